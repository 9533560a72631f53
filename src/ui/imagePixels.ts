/** Main-thread image decoding and resizing: what the worker receives is RGBA at output size. */
import { coverCrop, type Size } from './geometry';
import type { PixelImage } from '../worker/protocol';

/** Draws the cover-cropped `bitmap` at `size` and returns its RGBA bytes. */
export function bitmapToPixels(bitmap: ImageBitmap, size: Size): PixelImage {
  const canvas = new OffscreenCanvas(size.width, size.height);
  // willReadFrequently keeps the canvas in CPU memory: a GPU-backed one makes getImageData a
  // slow readback (over 300 ms on a software renderer, a visible freeze at Start).
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas context available');
  ctx.imageSmoothingQuality = 'high';
  const r = coverCrop({ width: bitmap.width, height: bitmap.height }, size);
  ctx.drawImage(bitmap, r.x, r.y, r.width, r.height, 0, 0, size.width, size.height);
  const data = ctx.getImageData(0, 0, size.width, size.height).data;
  return { width: size.width, height: size.height, data: data.buffer as ArrayBuffer };
}

/** Saves bytes as a file through a temporary download link. */
export function saveBytes(bytes: ArrayBuffer, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
