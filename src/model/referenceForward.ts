/**
 * A plain VGG16 forward pass straight on tf.conv2d (same padding, bias, ReLU; 2x2 max pools), used
 * by the model tests to compare weight sets by the activations they produce, independent of the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName, layersUpTo } from './topology';
import type { RawVgg16Weights } from './weights';

/** Activations of `layers` for an NHWC float32 input; the caller disposes the returned tensors. */
export function referenceActivations(
  raw: RawVgg16Weights,
  input: tf.Tensor4D,
  layers: readonly ConvLayerName[],
): Map<ConvLayerName, tf.Tensor4D> {
  const deepest = layers.reduce((a, b) => (layersUpTo(a).length >= layersUpTo(b).length ? a : b));
  const out = new Map<ConvLayerName, tf.Tensor4D>();
  tf.tidy(() => {
    let x = input;
    for (const spec of layersUpTo(deepest)) {
      if (spec.kind === 'pool') {
        x = tf.maxPool(x, 2, 2, 'valid');
        continue;
      }
      const w = raw[spec.name];
      if (!w) throw new Error(`referenceActivations: no weights for ${spec.name}`);
      const kernel = tf.tensor4d(w.kernel, [3, 3, spec.inChannels, spec.outChannels]);
      x = tf.relu(tf.add(tf.conv2d(x, kernel, 1, 'same'), tf.tensor1d(w.bias))) as tf.Tensor4D;
      if (layers.includes(spec.name)) out.set(spec.name, tf.keep(x));
    }
  });
  return out;
}

/** ||a - b||_2 / ||b||_2 (b the reference). */
export function relativeL2(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = tf.norm(tf.sub(a, b)).dataSync()[0];
    const ref = tf.norm(b).dataSync()[0];
    return diff / ref;
  });
}
