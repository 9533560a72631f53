/**
 * Times the explorer's top-nine search the way the explorer worker runs it (searchTopK: one
 * forward pass per image to the chosen layer, tf.topk per unit, a merge across the pool) in Node,
 * on the demo VGG16 (same shapes and cost as the pretrained one).
 *
 *   npx tsx scripts/explorer-timing.ts [--backend wasm|cpu] [--images 20] [--size 224] [layer ...]
 *
 * Default: wasm, 20 images of 224 x 224, block5_conv3 (the deepest layer: the slowest search).
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { searchTopK } from '../src/engine/explorer/topNine';
import { patternImage } from '../src/engine/testing';
import { isConvLayerName, type ConvLayerName } from '../src/model/topology';
import { disposeWeights, toTensors } from '../src/model/weights';
import { loadDemoWeights } from './bench/inputs';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const backend = arg('backend', 'wasm');
const count = Number(arg('images', '20'));
const size = Number(arg('size', '224'));
const layers = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
for (const l of layers) if (!isConvLayerName(l)) throw new Error(`not a VGG16 conv layer: ${l}`);
const chosen = (layers.length > 0 ? layers : ['block5_conv3']) as ConvLayerName[];

if (!(await tf.setBackend(backend))) throw new Error(`the tfjs ${backend} backend did not start`);
await tf.ready();
const weights = toTensors(loadDemoWeights());
// A varied pool: the two synthetic patterns at 20 different scales, cropped to size x size.
const imageAt = (i: number) =>
  tf.tidy(() => {
    const big = patternImage(size + 8 * i, i % 2 ? 'style' : 'content');
    return tf.slice(big, [0, 0, 0], [size, size, 3]) as tf.Tensor3D;
  });

console.log(
  `${backend}, ${count} images of ${size}x${size}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), ` +
    `load ${os.loadavg()[0].toFixed(2)}`,
);
for (const layer of chosen) {
  const times: number[] = [];
  let last = performance.now();
  const t0 = last;
  const result = await searchTopK(weights, layer, count, imageAt, {
    afterImage: () => {
      const now = performance.now();
      times.push(now - last);
      last = now;
    },
  });
  const total = (performance.now() - t0) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `${layer}: ${total.toFixed(1)} s for ${count} images (median ${(sorted[sorted.length >> 1] / 1000).toFixed(2)} s per image, ` +
      `first ${(times[0] / 1000).toFixed(2)} s), ${result.units.length} units, best ${result.units[0][0].value.toFixed(1)}`,
  );
}
disposeWeights(weights);
