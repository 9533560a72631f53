import { useRef, useState, type PointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { useRememberedFlag } from '../useRememberedFlag';
import { SnapshotActions, SnapshotImage, useSelectedSnapshot } from '../history/SnapshotView';
import { PreviewCanvas } from './PreviewCanvas';
import { BeforeCanvas } from './BeforeCanvas';
import { CompareDivider } from './CompareDivider';
import { useSession } from '../session/session';
import { compareContent, downloadSize, shownSize, sizeCaption } from './resultView';

const EXACT_KEY = 'style-transfer:exact-pixels';

/**
 * The result, as large as its panel allows: scaled smoothly, or as exact pixels. Once a run has an
 * image, a divider compares it with the content it started from. A snapshot picked in History
 * takes the live run's place until "Back to the live run".
 */
export function ResultPanel() {
  const { run, pageContent, generation } = useStore(
    useShallow((s) => ({ run: s.run, pageContent: s.content, generation: s.workerGeneration })),
  );
  const shown = shownSize(run);
  const runContent = compareContent(run, pageContent);
  const snapshot = useSelectedSnapshot();
  const restoring = useSession((s) => s.restoring);
  const [split, setSplit] = useState(0);
  const [exact, setExact] = useRememberedFlag(EXACT_KEY);
  const stage = useRef<HTMLDivElement>(null);
  const live = shown ? { w: shown.width, h: shown.height } : null;
  const size = snapshot ? { w: snapshot.width, h: snapshot.height } : live;
  const ratio = size ? size.w / size.h : 4 / 3;
  // The content under the result, once there is a result to compare: for a snapshot, the
  // content image of the page when it is the one the snapshot was made from.
  const content = snapshot
    ? ([runContent, pageContent].find((c) => c?.name === snapshot.contentName) ?? null)
    : runContent;
  const before = size && content ? { bitmap: content.bitmap, ...size } : null;
  const compare = before !== null;
  const clip = compare ? split : 0;

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
        className={snapshot ? 'stage showing-snapshot' : 'stage'}
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
          key={generation}
          style={{
            ...(clip > 0 ? { clipPath: `inset(0 0 0 ${clip}%)` } : {}),
            // Kept mounted (the worker draws on it) while a snapshot is shown instead.
            ...(snapshot ? { visibility: 'hidden' } : {}),
          }}
        />
        {snapshot && <SnapshotImage item={snapshot} clip={clip} />}
        {compare && <CompareDivider value={split} onChange={setSplit} />}
        {!size && (
          <p className="stage-hint">
            {restoring
              ? 'Restoring the result kept from before the reload…'
              : 'Your result appears here. Add a content and a style image (or try the samples), then press Start.'}
          </p>
        )}
      </div>
      <figcaption>
        <span data-testid="result-size">
          {snapshot
            ? `${snapshot.width}×${snapshot.height} px · Download snapshot gives this size`
            : sizeCaption(shown, downloadSize(run))}
        </span>
        {compare && (
          <span className="hint">Drag the divider (or use the arrow keys) to compare.</span>
        )}
        <label className="exact-toggle">
          <input type="checkbox" checked={exact} onChange={(e) => setExact(e.target.checked)} />
          Exact pixels
        </label>
      </figcaption>
      {snapshot && <SnapshotActions item={snapshot} />}
    </figure>
  );
}
