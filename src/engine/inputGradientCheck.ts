/**
 * The engine's conv input gradient (a forward conv with ConvWeights.backpropKernel, vgg16.ts)
 * against tfjs' own Conv2DBackpropInput on whatever backend is active. Shared by the unit tests
 * (cpu, wasm) and the bench page (webgl, e2e/inputGradient.spec.ts); not used by the app.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import { randomWeights, seededArray } from './testing';
import { extractFeatures, getInputGradientMode, setInputGradientMode } from './vgg16';

export const CHECKED_LAYERS = ['block1_conv2', 'block2_conv2', 'block3_conv2'] as const;

/** Seeded random weights to block3_conv2 with biases of both signs, so that some ReLUs cut. */
export function gradientCheckWeights(seed = 3): Vgg16Weights {
  const weights = randomWeights('block3_conv2', seed);
  for (const [i, cw] of Object.values(weights).entries()) {
    const n = cw!.bias.shape[0];
    cw!.bias.dispose();
    cw!.bias = tf.tensor1d(seededArray(n, 100 + i, -0.5, 0.5));
  }
  return weights;
}

/** d/dx of a seeded weighted sum of every checked layer's activations, at an h x w input. */
export function inputGradient(
  weights: Vgg16Weights,
  mode: 'forward-conv' | 'tfjs',
  h: number,
  w: number,
  layers: readonly ConvLayerName[] = CHECKED_LAYERS,
): Float32Array {
  const previous = getInputGradientMode();
  setInputGradientMode(mode);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(seededArray(h * w * 3, 11, -100, 100), [1, h, w, 3]);
      const g = tf.grad((input: tf.Tensor) => {
        const acts = extractFeatures(weights, input as tf.Tensor4D, layers);
        // A weighted sum of every layer, so each layer's gradient path counts.
        return tf.addN(
          layers.map((l, i) =>
            tf.sum(tf.mul(acts[l], tf.tensor(seededArray(acts[l].size, 20 + i), acts[l].shape))),
          ),
        );
      })(x);
      return g.dataSync() as Float32Array;
    });
  } finally {
    setInputGradientMode(previous);
  }
}

export interface GradientComparison {
  height: number;
  width: number;
  /** max |ours - tfjs| / max |tfjs| over the input's elements. */
  relative: number;
  maxAbs: number;
}

/** Both gradients at h x w, and how far apart they are relative to the gradient's scale. */
export function compareInputGradients(
  weights: Vgg16Weights,
  h: number,
  w: number,
  layers: readonly ConvLayerName[] = CHECKED_LAYERS,
): GradientComparison {
  const ours = inputGradient(weights, 'forward-conv', h, w, layers);
  const theirs = inputGradient(weights, 'tfjs', h, w, layers);
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < ours.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(theirs[i]));
    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
  }
  return { height: h, width: w, relative: maxDiff / maxAbs, maxAbs };
}
