import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { floodFill, labelsToRgba, stroke } from './maskOps';
import { commitLabels, redoMask, setActiveRegion, setTool, undoMask, useMask } from './maskStore';

/** Opacity of the regions drawn over the content (0..255). */
const OVERLAY_ALPHA = 140;

/**
 * The label map drawn over the content at its aspect ratio, painted with pointer events (mouse,
 * pen and touch alike) and edited by keyboard: arrows move a cursor, 1-4 pick the region, F or
 * Enter fills at the cursor, Space paints there, Ctrl+Z / Ctrl+Y undo and redo.
 */
export function MaskCanvas({
  contentUrl,
  contentName,
}: {
  contentUrl: string;
  contentName: string;
}) {
  const m = useMask(
    useShallow((s) => ({
      width: s.width,
      height: s.height,
      labels: s.labels,
      active: s.active,
      tool: s.tool,
      brushSize: s.brushSize,
      regions: s.regions.length,
    })),
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  /** The labels being painted by the stroke in progress (committed on release). */
  const working = useRef<{ labels: Uint8Array; last: [number, number]; id: number } | null>(null);
  const [cursor, setCursor] = useState<[number, number] | null>(null);

  const draw = (labels: Uint8Array) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(labelsToRgba(labels, OVERLAY_ALPHA), m.width, m.height), 0, 0);
    if (cursor) {
      ctx.strokeStyle = 'white';
      ctx.lineWidth = 1;
      const r = Math.max(1, m.brushSize);
      ctx.strokeRect(cursor[0] - r, cursor[1] - r, 2 * r, 2 * r);
    }
  };
  useEffect(() => draw(working.current?.labels ?? m.labels));

  const at = (e: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [
      ((e.clientX - r.left) / r.width) * m.width,
      ((e.clientY - r.top) / r.height) * m.height,
    ];
  };
  const paintLabel = () => (m.tool === 'eraser' ? 0 : m.active + 1);

  const fillAt = ([x, y]: [number, number]) => {
    const labels = new Uint8Array(m.labels);
    if (floodFill(labels, m.width, m.height, Math.floor(x), Math.floor(y), m.active + 1) > 0) {
      commitLabels(labels);
    }
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0 || working.current) return;
    e.preventDefault();
    const p = at(e);
    if (m.tool === 'fill') {
      fillAt(p);
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    const labels = new Uint8Array(m.labels);
    stroke(labels, m.width, m.height, p, p, m.brushSize, paintLabel());
    working.current = { labels, last: p, id: e.pointerId };
    draw(labels);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const w = working.current;
    if (!w || w.id !== e.pointerId) return;
    const p = at(e);
    stroke(w.labels, m.width, m.height, w.last, p, m.brushSize, paintLabel());
    w.last = p;
    draw(w.labels);
  };
  const onPointerEnd = (e: PointerEvent<HTMLCanvasElement>) => {
    const w = working.current;
    if (!w || w.id !== e.pointerId) return;
    working.current = null;
    commitLabels(w.labels);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const c = cursor ?? [m.width / 2, m.height / 2];
    const step = Math.max(1, Math.round(Math.max(m.width, m.height) / 32)) * (e.shiftKey ? 4 : 1);
    const move: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const mod = e.ctrlKey || e.metaKey;
    if (move[e.key]) {
      const [dx, dy] = move[e.key];
      setCursor([
        Math.min(m.width - 0.5, Math.max(0.5, c[0] + dx)),
        Math.min(m.height - 0.5, Math.max(0.5, c[1] + dy)),
      ]);
    } else if (/^[1-4]$/.test(e.key) && !mod) {
      setActiveRegion(Number(e.key) - 1);
    } else if ((e.key === 'f' || e.key === 'F' || e.key === 'Enter') && !mod) {
      fillAt(c);
    } else if (e.key === ' ') {
      const labels = new Uint8Array(m.labels);
      stroke(labels, m.width, m.height, c, c, m.brushSize, paintLabel());
      commitLabels(labels);
    } else if (e.key === 'b' && !mod) {
      setTool('brush');
    } else if (e.key === 'e' && !mod) {
      setTool('eraser');
    } else if (mod && (e.key === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) {
      redoMask();
    } else if (mod && e.key.toLowerCase() === 'z') {
      undoMask();
    } else {
      return;
    }
    e.preventDefault();
    if (!cursor) setCursor(c);
  };

  return (
    <div className="mask-stage" style={{ aspectRatio: `${m.width} / ${m.height}` }}>
      <img src={contentUrl} alt="" />
      <canvas
        ref={canvas}
        width={m.width}
        height={m.height}
        tabIndex={0}
        role="application"
        aria-label={`Mask over ${contentName}`}
        aria-describedby="mask-keys"
        aria-roledescription="mask painter"
        data-testid="mask-canvas"
        data-tool={m.tool}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerEnd}
        onPointerCancel={onPointerEnd}
        onKeyDown={onKeyDown}
        onBlur={() => setCursor(null)}
      />
    </div>
  );
}
