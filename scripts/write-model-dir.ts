/**
 * Writes an encoded model (model.json + shards) to a folder atomically: everything goes into a
 * sibling temp folder first, which replaces the target by rename only when complete, so a crash or
 * Ctrl-C never leaves a half-written model that the app would then fail on.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EncodedModel } from '../src/model/format';

export async function writeModelDirAtomic(outDir: string, model: EncodedModel): Promise<void> {
  const parent = dirname(outDir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now()}`;
  const tmp = join(parent, `.${basename(outDir)}.tmp-${tag}`);
  const old = join(parent, `.${basename(outDir)}.old-${tag}`);
  try {
    await mkdir(tmp);
    const paths = model.modelJson.weightsManifest.flatMap((g) => g.paths);
    await Promise.all(paths.map((p, i) => writeFile(join(tmp, p), model.shards[i])));
    await writeFile(join(tmp, 'model.json'), JSON.stringify(model.modelJson, null, 2) + '\n');
    // rename() cannot replace a non-empty folder: move the old one aside, swap, then delete it.
    const hadOld = await rename(outDir, old).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw e;
      },
    );
    await rename(tmp, outDir);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
