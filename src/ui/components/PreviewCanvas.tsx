import { useEffect, useRef, type CSSProperties } from 'react';
import { workerClient } from '../workerClient';

/** The generated image: the canvas is handed to the worker, which draws every iteration on it. */
export function PreviewCanvas({ style }: { style?: CSSProperties }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) workerClient.connect(ref.current);
  }, []);
  return (
    <canvas
      ref={ref}
      className="result-canvas"
      data-testid="preview"
      role="img"
      aria-label="Generated image preview"
      width={1}
      height={1}
      style={style}
    />
  );
}
