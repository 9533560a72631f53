/** Gram matrices of a layer for the explorer's "style at a layer" view. */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../../model/topology';
import type { Vgg16Weights } from '../../model/weights';
import { gramMatrix } from '../costs';
import { toCaffe } from '../preprocess';
import { extractFeatures } from '../vgg16';

/** Gram [nC, nC] of `image` (RGB 0..255 [H, W, 3]) at `layer`, SPEC's G = A A^T, read back. */
export async function gramAt(
  weights: Vgg16Weights,
  image: tf.Tensor3D,
  layer: ConvLayerName,
): Promise<{ channels: number; values: Float32Array }> {
  const g = tf.tidy(() => gramMatrix(extractFeatures(weights, toCaffe(image), [layer])[layer]));
  try {
    return { channels: g.shape[0], values: (await g.data()) as Float32Array };
  } finally {
    g.dispose();
  }
}
