import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoModel } from './generate-test-model';
import { decodeModel, parseModelJson } from '../src/model/format';
import { VGG16_PARAM_COUNT } from '../src/model/topology';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'demo-model-'));
  dirs.push(d);
  return d;
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) {
    out[f] = createHash('sha256')
      .update(await readFile(join(dir, f)))
      .digest('hex');
  }
  return out;
}

describe('generate-test-model', () => {
  it('writes the same bytes for the same seed, and different ones for another seed', async () => {
    const [a, b, c] = [
      join(await tempDir(), 'm'),
      join(await tempDir(), 'm'),
      join(await tempDir(), 'm'),
    ];
    await generateDemoModel(a, 1);
    await generateDemoModel(b, 1);
    await generateDemoModel(c, 2);
    const [ha, hb, hc] = [await hashes(a), await hashes(b), await hashes(c)];
    expect(Object.keys(ha)).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `group1-shard${i + 1}of8.bin`),
      'model.json',
    ]);
    expect(hb).toEqual(ha);
    expect(hc['group1-shard1of8.bin']).not.toBe(ha['group1-shard1of8.bin']);
  });

  it('writes a complete, labelled demo model and replaces an old one atomically', async () => {
    const dir = join(await tempDir(), 'vgg16-demo');
    await generateDemoModel(dir, 2);
    await generateDemoModel(dir, 1); // over an existing model
    const files = await readdir(join(dir, '..'));
    expect(files).toEqual(['vgg16-demo']); // no temp or old folders left behind
    const json = parseModelJson(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')));
    expect(json.userDefinedMetadata).toMatchObject({ label: 'demo', seed: 1 });
    const shards = await Promise.all(
      json.weightsManifest[0].paths.map((p) => readFile(join(dir, p))),
    );
    expect(shards.reduce((s, b) => s + b.length, 0)).toBe(2 * VGG16_PARAM_COUNT);
    const raw = decodeModel(
      json,
      shards.map((b) => new Uint8Array(b)),
    );
    expect(raw.block5_conv3!.kernel.length).toBe(3 * 3 * 512 * 512);
    // He-normal: std sqrt(2 / (9 * 512)) ~= 0.0208 for block5 kernels.
    const k = raw.block5_conv3!.kernel;
    const std = Math.sqrt(k.reduce((s, v) => s + v * v, 0) / k.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (9 * 512)), 3);
  });
});
