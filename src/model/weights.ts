/**
 * The in-memory form of VGG16 weights that the engine's forward pass consumes.
 * Every loader (model.json + shards, IndexedDB cache, dropped .h5, generated test model) ends here.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV_LAYERS, type ConvLayerName, convShapes } from './topology';

export interface ConvWeights {
  /** [3, 3, in, out], Keras/tfjs HWIO layout. */
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D;
  /**
   * [3, 3, out, in]: the kernel flipped in both spatial axes, in/out swapped. The gradient of a
   * 3x3 stride-1 'same' conv w.r.t. its input is the forward conv of dy with it (src/engine/
   * vgg16.ts); made once per weights load, because flipping per call costs half the gain.
   */
  backpropKernel: tf.Tensor4D;
}

/** The kernel that turns a 3x3, stride-1, 'same' conv's input gradient into a forward conv. */
export function backpropKernelOf(kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]));
}

/** Weights of the conv layers present (a prefix of the network is enough for a run). */
export type Vgg16Weights = Partial<Record<ConvLayerName, ConvWeights>>;

/** Raw arrays of one conv layer, before they become tensors (what converters produce). */
export interface RawConvWeights {
  kernel: Float32Array;
  bias: Float32Array;
}

export type RawVgg16Weights = Partial<Record<ConvLayerName, RawConvWeights>>;

/** Turns raw arrays into tensors, checking every shape; the caller owns (and disposes) the result. */
export function toTensors(raw: RawVgg16Weights): Vgg16Weights {
  const out: Vgg16Weights = {};
  for (const spec of CONV_LAYERS) {
    const r = raw[spec.name];
    if (!r) continue;
    const shapes = convShapes(spec);
    const kSize = shapes.kernel.reduce((a, b) => a * b, 1);
    if (r.kernel.length !== kSize || r.bias.length !== spec.outChannels) {
      throw new Error(
        `${spec.name}: expected kernel ${shapes.kernel.join('x')} and bias [${spec.outChannels}], ` +
          `got ${r.kernel.length} and ${r.bias.length} values`,
      );
    }
    const kernel = tf.tensor4d(r.kernel, shapes.kernel as [number, number, number, number]);
    out[spec.name] = {
      kernel,
      bias: tf.tensor1d(r.bias),
      backpropKernel: backpropKernelOf(kernel),
    };
  }
  return out;
}

export function disposeWeights(w: Vgg16Weights): void {
  for (const cw of Object.values(w)) {
    cw?.kernel.dispose();
    cw?.bias.dispose();
    cw?.backpropKernel.dispose();
  }
}
