/** Conversions between the page's RGBA pixel buffers and the engine's RGB float tensors. */
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from './protocol';

/** RGBA bytes -> float32 [H, W, 3] in 0..255 (alpha dropped). */
export function pixelsToTensor(img: PixelImage): tf.Tensor3D {
  const expected = img.width * img.height * 4;
  if (img.data.byteLength !== expected) {
    throw new Error(
      `Image buffer has ${img.data.byteLength} bytes, expected ${expected} for ${img.width}x${img.height} RGBA`,
    );
  }
  return tf.tidy(() => {
    const rgba = tf.tensor3d(new Uint8Array(img.data), [img.height, img.width, 4], 'int32');
    return rgba.slice([0, 0, 0], [-1, -1, 3]).toFloat();
  });
}

/** Several images as tensors; on a failure the ones made so far are freed. */
export function pixelsOf(images: PixelImage[]): tf.Tensor3D[] {
  const out: tf.Tensor3D[] = [];
  try {
    for (const p of images) out.push(pixelsToTensor(p));
  } catch (e) {
    tf.dispose(out);
    throw e;
  }
  return out;
}

/** RGB floats [H, W, 3] (0..255, maybe outside) -> ImageData with opaque alpha, clamped and rounded. */
export function rgbToImageData(rgb: ArrayLike<number>, w: number, h: number): ImageData {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let p = 0, q = 0; p < w * h; p++, q += 3) {
    // Uint8ClampedArray clamps and rounds on assignment.
    out[p * 4] = rgb[q];
    out[p * 4 + 1] = rgb[q + 1];
    out[p * 4 + 2] = rgb[q + 2];
    out[p * 4 + 3] = 255;
  }
  return new ImageData(out, w, h);
}

/** A tensor's pixels as ImageData, read synchronously (the bench's draw; not on WebGPU). */
export function tensorToImageData(img: tf.Tensor3D): ImageData {
  const [h, w] = img.shape;
  return rgbToImageData(img.dataSync(), w, h);
}

/** Fraction of values pinned at the 0..255 clip bounds (how far the image has saturated). */
export function saturatedFraction(rgb: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < rgb.length; i++) if (rgb[i] <= 0 || rgb[i] >= 255) n++;
  return rgb.length === 0 ? 0 : n / rgb.length;
}

export function allFinite(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}
