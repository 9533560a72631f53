/**
 * The network's input convention (Keras "caffe"): BGR, 0..255, minus the ImageNet mean, NHWC.
 * Part of the model (the weights were trained on it), so both the engine and the demo weights'
 * recipe use it from here. Images outside: tf.Tensor3D [H, W, 3], float32, RGB in 0..255.
 */
import * as tf from '@tensorflow/tfjs';
import { CAFFE_MEAN_BGR } from './topology';

export function assertImage(img: tf.Tensor, what: string): void {
  if (img.rank !== 3 || img.shape[2] !== 3) {
    throw new Error(`${what}: expected an RGB image [H, W, 3], got [${img.shape.join(', ')}]`);
  }
}

/**
 * Swaps the first and last channel (RGB <-> BGR). Split + concat rather than tf.reverse, whose
 * cpu kernel reads its input back through readSync (no GPU sync, but it blurs the "one readback
 * per step" accounting the tests check).
 */
function swapRB(x: tf.Tensor): tf.Tensor {
  const [a, b, c] = tf.split(x, 3, -1);
  return tf.concat([c, b, a], -1);
}

/** RGB 0..255 [H, W, 3] -> caffe BGR minus mean [1, H, W, 3]. */
export function toCaffe(img: tf.Tensor3D): tf.Tensor4D {
  assertImage(img, 'toCaffe');
  return tf.tidy(() =>
    tf.sub(swapRB(img), tf.tensor1d([...CAFFE_MEAN_BGR])).expandDims(0),
  ) as tf.Tensor4D;
}

/** Exact inverse of toCaffe (no clipping): caffe [1, H, W, 3] -> RGB 0..255 [H, W, 3]. */
export function fromCaffe(x: tf.Tensor4D): tf.Tensor3D {
  if (x.rank !== 4 || x.shape[0] !== 1 || x.shape[3] !== 3) {
    throw new Error(`fromCaffe: expected [1, H, W, 3], got [${x.shape.join(', ')}]`);
  }
  return tf.tidy(() =>
    swapRB(tf.add(x.squeeze([0]), tf.tensor1d([...CAFFE_MEAN_BGR]))),
  ) as tf.Tensor3D;
}
