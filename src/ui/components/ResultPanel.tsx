import { useRef, useState, type PointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { useRememberedFlag } from '../useRememberedFlag';
import { PreviewCanvas } from './PreviewCanvas';
import { BeforeCanvas } from './BeforeCanvas';
import { CompareDivider } from './CompareDivider';

const EXACT_KEY = 'style-transfer:exact-pixels';

/**
 * The result, as large as its panel allows: scaled smoothly, or as exact pixels. Once a run has an
 * image, a divider compares it with the content it started from.
 */
export function ResultPanel() {
  const r = useStore(
    useShallow((s) => ({
      width: s.run.width,
      height: s.run.height,
      content: s.run.inputs?.content.bitmap ?? null,
      generation: s.workerGeneration,
    })),
  );
  const [split, setSplit] = useState(0);
  const [exact, setExact] = useRememberedFlag(EXACT_KEY);
  const stage = useRef<HTMLDivElement>(null);
  const size = r.width !== null && r.height !== null ? { w: r.width, h: r.height } : null;
  const ratio = size ? size.w / size.h : 4 / 3;
  // The content the run started from, under the result, once there is a result to compare.
  const before = size && r.content ? { bitmap: r.content, ...size } : null;
  const compare = before !== null;

  const follow = (e: PointerEvent) => {
    const box = stage.current?.getBoundingClientRect();
    if (!box || box.width === 0) return;
    const at = ((e.clientX - box.left) / box.width) * 100;
    setSplit(Math.round(Math.min(100, Math.max(0, at))));
  };

  return (
    <figure className={exact ? 'result exact' : 'result'}>
      <div
        ref={stage}
        className="stage"
        data-testid="result-stage"
        style={{ aspectRatio: `${ratio}`, ['--ar' as string]: ratio }}
        onPointerDown={(e) => {
          if (!compare || e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          follow(e);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) follow(e);
        }}
      >
        {before && (
          <BeforeCanvas
            bitmap={before.bitmap}
            width={before.w}
            height={before.h}
            style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }}
          />
        )}
        {/* A new worker needs a canvas it can take over: the key gives it a fresh element. */}
        <PreviewCanvas
          key={r.generation}
          style={compare && split > 0 ? { clipPath: `inset(0 0 0 ${split}%)` } : undefined}
        />
        {compare && <CompareDivider value={split} onChange={setSplit} />}
        {!size && (
          <p className="stage-hint">
            Your result appears here. Add a content and a style image (or try the samples), then
            press Start.
          </p>
        )}
      </div>
      <figcaption>
        <span data-testid="result-size">{size ? `${size.w}×${size.h} px` : 'No run yet'}</span>
        {compare && (
          <span className="hint">Drag the divider (or use the arrow keys) to compare.</span>
        )}
        <label className="exact-toggle">
          <input type="checkbox" checked={exact} onChange={(e) => setExact(e.target.checked)} />
          Exact pixels
        </label>
      </figcaption>
    </figure>
  );
}
