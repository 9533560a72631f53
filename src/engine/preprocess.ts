/**
 * Image conversions around the network. Engine convention for images: tf.Tensor3D [H, W, 3], float32,
 * RGB in 0..255. The network's own input convention (toCaffe, fromCaffe) lives with the model.
 */
import * as tf from '@tensorflow/tfjs';
import { assertImage } from '../model/caffe';

export { fromCaffe, toCaffe } from '../model/caffe';

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
