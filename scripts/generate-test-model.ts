/**
 * Writes the demo/test VGG16: seeded random (untrained) weights for the whole network, in the
 * app's model format, labelled 'demo'. Same seed, same bytes.
 *   node --import tsx scripts/generate-test-model.ts [--out dir] [--seed n]
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { randomVgg16Weights } from '../src/model/randomWeights';
import { encodeModel, type EncodedModel } from '../src/model/format';
import { writeModelDirAtomic } from './write-model-dir';

export const DEMO_SEED = 1;
export const DEMO_MODEL_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../public/models/vgg16-demo',
);

export function encodeDemoModel(seed = DEMO_SEED): EncodedModel {
  return encodeModel(randomVgg16Weights(seed), {
    label: 'demo',
    source: `randomVgg16Weights (He-normal kernels, zero biases), seed ${seed}; untrained`,
    seed,
  });
}

export async function generateDemoModel(
  outDir = DEMO_MODEL_DIR,
  seed = DEMO_SEED,
): Promise<EncodedModel> {
  const model = encodeDemoModel(seed);
  await writeModelDirAtomic(outDir, model);
  return model;
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outDir = resolve(argValue(args, '--out') ?? DEMO_MODEL_DIR);
  const seed = Number(argValue(args, '--seed') ?? DEMO_SEED);
  const t0 = Date.now();
  const model = await generateDemoModel(outDir, seed);
  const bytes = model.shards.reduce((s, b) => s + b.length, 0);
  console.error(
    `wrote demo VGG16 (seed ${seed}) to ${outDir}: ${model.shards.length} shards, ${bytes} bytes ` +
      `+ model.json, in ${((Date.now() - t0) / 1000).toFixed(1)} s (${join(outDir, 'model.json')})`,
  );
}
