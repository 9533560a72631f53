import { useEffect, useRef, type CSSProperties } from 'react';

/**
 * The run's content image at the output's own size, under the result: the "before" of the
 * compare view, scaled by the same CSS as the result so their pixels line up.
 */
export function BeforeCanvas({
  bitmap,
  width,
  height,
  style,
}: {
  bitmap: ImageBitmap;
  width: number;
  height: number;
  style?: CSSProperties;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.imageSmoothingQuality = 'high';
    try {
      ctx.drawImage(bitmap, 0, 0, width, height);
    } catch {
      // Closed meanwhile (its run was replaced): the next render brings the new run's image.
    }
  }, [bitmap, width, height]);
  return (
    <canvas
      ref={ref}
      className="before-canvas"
      data-testid="before"
      aria-hidden="true"
      width={width}
      height={height}
      style={style}
    />
  );
}
