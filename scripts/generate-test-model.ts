/**
 * Writes the demo/test VGG16 in the app's model format, labelled 'demo': untrained weights built by
 * src/model/demo/recipe.ts (a readable first-layer filter bank, random orthogonal deeper layers,
 * every channel calibrated on the bundled sample images). Same seed, same bytes.
 *   node --import tsx scripts/generate-test-model.ts [--out dir] [--seed n]
 */
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { resizeToCover } from '../src/engine/preprocess';
import { buildDemoWeights, type CalibrationImage } from '../src/model/demo/recipe';
import { encodeModel, type EncodedModel } from '../src/model/format';
import { readPng, SAMPLE_CONTENT, SAMPLE_STYLE } from './bench/inputs';
import { writeModelDirAtomic } from './write-model-dir';

export const DEMO_SEED = 1;
export const DEMO_MODEL_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../public/models/vgg16-demo',
);
/** The calibration images: the bundled samples, cover-cropped to this square size. */
export const CALIBRATION_SIZE = 128;

function calibrationImages(): CalibrationImage[] {
  return [SAMPLE_CONTENT, SAMPLE_STYLE].map((path) => {
    const full = readPng(path);
    const image = resizeToCover(full, CALIBRATION_SIZE, CALIBRATION_SIZE);
    full.dispose();
    return { name: `public/samples/${basename(path)}`, image };
  });
}

/**
 * Builds and encodes the demo model. Runs on tfjs' wasm backend (fast in Node, and one fixed
 * backend keeps the calibration's numbers, hence the bytes, the same from run to run); the
 * previous backend is restored afterwards.
 */
export async function encodeDemoModel(seed = DEMO_SEED): Promise<EncodedModel> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start');
  const images = calibrationImages();
  try {
    const { raw, recipe } = buildDemoWeights(seed, images);
    return encodeModel(raw, {
      label: 'demo',
      source: `${recipe.name} (src/model/demo/recipe.ts), seed ${seed}; untrained`,
      seed,
      recipe,
    });
  } finally {
    tf.dispose(images.map((c) => c.image));
    if (previous && previous !== 'wasm') await tf.setBackend(previous);
  }
}

export async function generateDemoModel(
  outDir = DEMO_MODEL_DIR,
  seed = DEMO_SEED,
): Promise<EncodedModel> {
  const model = await encodeDemoModel(seed);
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
