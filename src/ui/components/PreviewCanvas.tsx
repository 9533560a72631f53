import { useEffect, useRef } from 'react';
import { workerClient } from '../workerClient';

/** The generated image: the canvas is handed to the worker, which draws every iteration on it. */
export function PreviewCanvas({ width, height }: { width: number | null; height: number | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) workerClient.connect(ref.current);
  }, []);
  return (
    <figure className="preview">
      <canvas
        ref={ref}
        data-testid="preview"
        role="img"
        aria-label="Generated image preview"
        width={1}
        height={1}
        style={width && height ? { aspectRatio: `${width} / ${height}` } : undefined}
      />
      <figcaption>{width && height ? `${width}×${height} px` : 'No run yet'}</figcaption>
    </figure>
  );
}
