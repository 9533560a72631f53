/**
 * Image conversions around the network. Engine convention for images: tf.Tensor3D [H, W, 3], float32,
 * RGB in 0..255. The network wants Keras "caffe" input: BGR, 0..255, minus the ImageNet mean, NHWC.
 */
import * as tf from '@tensorflow/tfjs';
import { CAFFE_MEAN_BGR } from '../model/topology';

function assertImage(img: tf.Tensor, what: string): void {
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

/** Keeps pixels in the valid 0..255 range. */
export function clipPixels<T extends tf.Tensor>(img: T): T {
  return tf.clipByValue(img, 0, 255);
}

/**
 * Scales `img` (bilinear) so it covers h x w while keeping its aspect ratio, then crops the centre:
 * how the style image is brought to the generated image's size without distortion.
 */
export function resizeToCover(img: tf.Tensor3D, h: number, w: number): tf.Tensor3D {
  assertImage(img, 'resizeToCover');
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) {
    throw new Error(`resizeToCover: target size must be positive integers, got ${h}x${w}`);
  }
  const [H, W] = img.shape;
  const scale = Math.max(h / H, w / W);
  // Never below the target (rounding could lose a row).
  const sh = Math.max(h, Math.round(H * scale));
  const sw = Math.max(w, Math.round(W * scale));
  return tf.tidy(() => {
    const scaled = sh === H && sw === W ? img : tf.image.resizeBilinear(img, [sh, sw], false, true);
    const top = Math.floor((sh - h) / 2);
    const left = Math.floor((sw - w) / 2);
    return tf.slice(scaled, [top, left, 0], [h, w, 3]);
  });
}
