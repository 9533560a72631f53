/**
 * One patch: the unit's receptive field at a location, cut from its pool image. The canvas is the
 * whole field (field x field pixels), so every patch of a layer is drawn at the same size and scale;
 * where the field sticks out of the image (at its borders) the canvas stays empty.
 */
import { useEffect, useRef } from 'react';
import type { PatchHitInfo } from '../../worker/explorerProtocol';

export interface PatchCanvasProps {
  bitmap: ImageBitmap;
  hit: PatchHitInfo;
  fieldSize: number;
  /** CSS size of the drawn square. */
  displaySize: number;
  label: string;
}

export function PatchCanvas({ bitmap, hit, fieldSize, displaySize, label }: PatchCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const b = hit.bounds;
  const w = b.right - b.left;
  const h = b.bottom - b.top;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, fieldSize, fieldSize);
    if (w > 0 && h > 0) {
      ctx.drawImage(
        bitmap,
        b.left,
        b.top,
        w,
        h,
        b.left - hit.field.left,
        b.top - hit.field.top,
        w,
        h,
      );
    }
  }, [bitmap, b.left, b.top, w, h, hit.field.left, hit.field.top, fieldSize]);
  return (
    <canvas
      ref={ref}
      className="patch"
      width={fieldSize}
      height={fieldSize}
      style={{ width: displaySize, height: displaySize }}
      role="img"
      aria-label={label}
      data-testid="patch"
      data-crop-width={w}
      data-crop-height={h}
      data-field-size={fieldSize}
    />
  );
}
