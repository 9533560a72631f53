/** Drawing an RGB image on the transferred preview canvas (the run's output and the bench's). */
import { rgbToImageData } from './pixels';

export interface PreviewTarget {
  canvas: OffscreenCanvas;
  context: OffscreenCanvasRenderingContext2D;
}

/** The preview of a transferred canvas, or null when it has no 2D context. */
export function previewTarget(canvas: OffscreenCanvas): PreviewTarget | null {
  const context = canvas.getContext('2d');
  return context ? { canvas, context } : null;
}

export function drawPreview(
  target: PreviewTarget | null,
  img: { width: number; height: number; rgb: ArrayLike<number> },
): void {
  if (!target) return;
  const { canvas, context } = target;
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
  }
  context.putImageData(rgbToImageData(img.rgb, img.width, img.height), 0, 0);
}
