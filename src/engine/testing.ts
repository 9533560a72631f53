/**
 * Fixtures shared by the engine's tests and benchmark (not used by the app): seeded random VGG16
 * weights as tensors, smooth synthetic images, and a shallow layer set for tests about maths.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName } from '../model/topology';
import { mulberry32, randomVgg16Weights } from '../model/randomWeights';
import { toTensors, type Vgg16Weights } from '../model/weights';
import { DEFAULT_SETTINGS, type StyleSettings } from './settings';
import { extractFeatures, setInputGradientMode, type InputGradientMode } from './vgg16';

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

/** Seeded random weights with non-zero seeded biases (in [-0.5, 0.5)), so a test sees them. */
export function randomWeightsWithBiases(upTo: ConvLayerName, seed: number, biasSeed: number) {
  const weights = randomWeights(upTo, seed);
  for (const [i, cw] of Object.values(weights).entries()) {
    const n = cw!.bias.shape[0];
    cw!.bias.dispose();
    cw!.bias = tf.tensor1d(seededArray(n, biasSeed + i, -0.5, 0.5));
  }
  return weights;
}

/**
 * One pass of the engine in `mode` on a seeded h x w image: the activations of `layers` as seen
 * under the tape, then the gradient w.r.t. the image of a seeded weighted sum of them. Two modes'
 * passes should agree to float32 rounding (the input-gradient and FMA tests).
 */
export function gradientProbe(
  weights: Vgg16Weights,
  layers: readonly ConvLayerName[],
  mode: InputGradientMode,
  h: number,
  w: number,
  seed = 13,
): { acts: Float32Array[]; grad: Float32Array } {
  setInputGradientMode(mode);
  return tf.tidy(() => {
    const x = tf.tensor4d(seededArray(h * w * 3, seed, -100, 100), [1, h, w, 3]);
    const acts: Float32Array[] = [];
    const g = tf.grad((input: tf.Tensor) => {
      const a = extractFeatures(weights, input as tf.Tensor4D, layers);
      for (const l of layers) acts.push(a[l].dataSync() as Float32Array);
      return tf.addN(
        layers.map((l, i) =>
          tf.sum(tf.mul(a[l], tf.tensor(seededArray(a[l].size, seed + 17 + i), a[l].shape))),
        ),
      );
    })(x);
    return { acts, grad: g.dataSync() as Float32Array };
  });
}

/** ||a - b|| / ||b|| (NaN when b is all zeros, so that a comparison with it fails). */
export function relL2(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return n > 0 ? Math.sqrt(d / n) : NaN;
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

/**
 * SHALLOW_SETTINGS with content and style sharing the deepest layer, block2_conv1: one pool, so
 * tile windows line up on even pixels (the tiled stages' tests).
 */
export const ONE_POOL_SETTINGS: StyleSettings = {
  ...SHALLOW_SETTINGS,
  contentLayer: 'block2_conv1',
};
