/**
 * VGG16's convolutional forward pass over tfjs, in Keras' layout (SPEC.md): 3x3 convs, stride 1,
 * 'same' padding, bias, ReLU; 2x2 max pools, stride 2. It runs only as deep as the deepest layer
 * asked for, so a prefix of the weights is enough.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName, deepestLayer, layersUpTo } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';

/** Throws a clear error unless `weights` holds every conv layer from the input to `deepest`. */
export function assertWeightsFor(weights: Vgg16Weights, deepest: ConvLayerName): void {
  const missing = layersUpTo(deepest)
    .filter((l) => l.kind === 'conv' && !weights[l.name as ConvLayerName])
    .map((l) => l.name);
  if (missing.length > 0) {
    throw new Error(
      `VGG16 weights are missing ${missing.join(', ')}: a forward pass to ${deepest} needs every ` +
        'conv layer up to it',
    );
  }
}

/**
 * Post-ReLU activations [1, h, w, c] of each requested conv layer for a caffe-preprocessed NHWC
 * input (see preprocess.ts). Intermediate tensors are freed; the caller owns the returned ones.
 * Works under tf.grad / tf.valueAndGrad (tfjs keeps its own copies of what backprop needs).
 */
export function extractFeatures<L extends ConvLayerName>(
  weights: Vgg16Weights,
  input: tf.Tensor4D,
  layers: readonly L[],
): Record<L, tf.Tensor4D> {
  if (input.rank !== 4 || input.shape[0] !== 1 || input.shape[3] !== 3) {
    throw new Error(
      `extractFeatures: expected input [1, H, W, 3], got [${input.shape.join(', ')}]`,
    );
  }
  const deepest = deepestLayer(layers);
  assertWeightsFor(weights, deepest);
  const wanted = new Set<ConvLayerName>(layers);
  return tf.tidy(() => {
    const out = {} as Record<L, tf.Tensor4D>;
    let x: tf.Tensor4D = input;
    for (const spec of layersUpTo(deepest)) {
      if (spec.kind === 'pool') {
        x = tf.maxPool(x, 2, 2, 'valid');
        continue;
      }
      // Checked by assertWeightsFor above.
      const w = weights[spec.name]!;
      // The fused op (conv + bias + ReLU) is one kernel on every backend and has a gradient.
      x = tf.fused.conv2d({
        x,
        filter: w.kernel,
        strides: 1,
        pad: 'same',
        bias: w.bias,
        activation: 'relu',
      });
      if (wanted.has(spec.name)) out[spec.name as L] = x;
    }
    return out;
  });
}
