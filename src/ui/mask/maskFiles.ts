/**
 * A mask as an image file: export draws the regions in their colours (unpainted clear); import
 * reads any image, resampled to the mask's size, each pixel to the nearest region colour.
 */
import { saveBytes } from '../imagePixels';
import { labelsToRgba, rgbaToLabels } from './maskOps';
import { commitLabels, useMask } from './maskStore';

export async function exportMaskPng(contentName: string): Promise<void> {
  const { width, height, labels } = useMask.getState();
  const canvas = new OffscreenCanvas(width, height);
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(labelsToRgba(labels, 255), width, height), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const base = contentName.replace(/\.[^.]+$/, '');
  saveBytes(await blob.arrayBuffer(), `${base}-mask.png`, 'image/png');
}

export async function importMaskPng(file: File): Promise<void> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`"${file.name}" is not an image this browser can read`);
  }
  const { width: sw, height: sh } = bitmap;
  const canvas = new OffscreenCanvas(sw, sh);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, sw, sh).data;
  const { width, height, regions } = useMask.getState();
  commitLabels(rgbaToLabels(rgba, sw, sh, width, height, regions.length));
}
