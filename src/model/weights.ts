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
    out[spec.name] = {
      kernel: tf.tensor4d(r.kernel, shapes.kernel as [number, number, number, number]),
      bias: tf.tensor1d(r.bias),
    };
  }
  return out;
}

export function disposeWeights(w: Vgg16Weights): void {
  for (const cw of Object.values(w)) {
    cw?.kernel.dispose();
    cw?.bias.dispose();
  }
}
