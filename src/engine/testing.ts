/**
 * Fixtures shared by the engine's tests and benchmark (not used by the app): seeded random VGG16
 * weights as tensors, smooth synthetic images, and a shallow layer set for tests about maths.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName } from '../model/topology';
import { mulberry32, randomVgg16Weights } from '../model/randomWeights';
import { toTensors, type Vgg16Weights } from '../model/weights';
import { DEFAULT_SETTINGS, type StyleSettings } from './settings';

export function randomWeights(upTo: ConvLayerName, seed = 1): Vgg16Weights {
  return toTensors(randomVgg16Weights(seed, upTo));
}

/** A deterministic image [size, size, 3], RGB 0..255, sampled from a continuous pattern so that
 * the same "picture" can be rendered at several sizes. */
export function patternImage(size: number, kind: 'content' | 'style', width = size): tf.Tensor3D {
  const data = new Float32Array(size * width * 3);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < width; j++) {
      const y = (i + 0.5) / size;
      const x = (j + 0.5) / width;
      for (let c = 0; c < 3; c++) {
        const v =
          kind === 'content'
            ? 127.5 + 90 * Math.sin(6 * x + 2 * c) * Math.cos(4 * y) + 30 * Math.sin(11 * x * y)
            : 127.5 + 110 * Math.sin(14 * (x + y) + c) * Math.cos(9 * (x - y) - c);
        data[(i * width + j) * 3 + c] = v;
      }
    }
  }
  return tf.tensor3d(data, [size, width, 3]);
}

/** Uniform random values in [lo, hi) from a seed (plain arrays for loop references). */
export function seededArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

/** The largest absolute difference between two tensors' elements. */
export const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** |a - b| relative to |b|. */
export const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** SPEC's formulas on shallow layers: fast on the cpu backend, same maths as the defaults. */
export const SHALLOW_SETTINGS: StyleSettings = {
  ...DEFAULT_SETTINGS,
  contentLayer: 'block2_conv2',
  styleLayers: [
    { name: 'block1_conv1', weight: 0.5 },
    { name: 'block2_conv1', weight: 0.5 },
  ],
};
