import { useEffect } from 'react';
import { isRunActive, useStore } from '../store';
import './history.css';
import {
  clearHistory,
  deleteSnapshot,
  downloadSnapshot,
  exportTimelapse,
  initHistory,
  select,
  startFromSnapshot,
  timelapseRun,
  useHistory,
  type HistoryItem,
} from './history';

const REASON: Record<HistoryItem['reason'], string> = {
  cadence: '',
  stage: 'stage end',
  pause: 'paused',
  end: 'run end',
};

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function report(e: unknown): void {
  useStore.getState().setError(String(e));
}

/** The selected snapshot, large, with what can be done with it. */
function SnapshotView({ item }: { item: HistoryItem }) {
  const canStart = useStore(
    (s) => s.weights.status === 'ready' && !!s.content && !!s.style && s.run.state !== 'starting',
  );
  return (
    <figure className="history-view" data-testid="history-view">
      <img
        src={item.url}
        width={item.width}
        height={item.height}
        alt={`Snapshot at iteration ${item.iteration}`}
      />
      <figcaption>
        Iteration {item.iteration}
        {REASON[item.reason] ? ` (${REASON[item.reason]})` : ''} · {item.width}×{item.height} px ·{' '}
        {item.contentName} + {item.styleName}
      </figcaption>
      <div className="history-actions">
        <button type="button" onClick={() => downloadSnapshot(item.id).catch(report)}>
          Download snapshot
        </button>
        <button
          type="button"
          disabled={!canStart}
          title="A new run with the current settings, starting from this image"
          onClick={() => startFromSnapshot(item.id).catch(report)}
        >
          New run from this image
        </button>
        <button type="button" onClick={() => deleteSnapshot(item.id).catch(report)}>
          Delete snapshot
        </button>
        <button type="button" onClick={() => select(null)}>
          Close
        </button>
      </div>
    </figure>
  );
}

/** Time-lapse of the selected snapshot's run (else the newest run), with a progress bar. */
function TimelapseExport() {
  const frames = useHistory((h) => timelapseRun(h).length);
  const progress = useHistory((h) => h.timelapse);
  // WebCodecs decides the format; without it the export is an animated PNG.
  const format = typeof VideoEncoder === 'function' ? 'WebM' : 'animated PNG';
  return (
    <>
      <button
        type="button"
        disabled={frames === 0 || progress !== null}
        onClick={() => exportTimelapse().catch(report)}
      >
        Export time-lapse ({format}, {frames} frames)
      </button>
      {progress && (
        <label className="timelapse-progress">
          Encoding {progress.done} / {progress.total}{' '}
          <progress
            data-testid="timelapse-progress"
            aria-label="Time-lapse encoding"
            max={progress.total}
            value={progress.done}
          />
        </label>
      )}
    </>
  );
}

/** Thumbnails of the kept snapshots under the result, newest last. */
export function HistoryStrip() {
  useEffect(() => {
    void initHistory();
  }, []);
  const h = useHistory();
  const running = useStore((s) => isRunActive(s.run.state));
  const selected = h.items.find((i) => i.id === h.selectedId);
  if (h.status === 'unavailable') {
    return (
      <section className="history" aria-label="History">
        <p className="notice">{h.error}</p>
      </section>
    );
  }
  return (
    <section className="history" aria-label="History">
      <h2>History</h2>
      <p
        className="history-size"
        data-testid="history-size"
        data-count={h.items.length}
        data-bytes={h.storedBytes}
        data-added={h.added}
      >
        {h.items.length} snapshots · {mb(h.storedBytes)} in IndexedDB
        {h.originUsage !== null
          ? ` (site storage in use: ${mb(h.originUsage)}, weights included)`
          : ''}
      </p>
      {h.notice && (
        <p className="notice" role="status" data-testid="history-notice">
          {h.notice}{' '}
          <button
            type="button"
            aria-label="Dismiss history notice"
            onClick={() => useHistory.setState({ notice: null })}
          >
            ×
          </button>
        </p>
      )}
      {h.error && <p className="error">{h.error}</p>}
      {h.items.length === 0 ? (
        <p className="hint">
          Snapshots of each run appear here (about 12 per run, and at pause and end).
        </p>
      ) : (
        <ol className="history-strip" data-testid="history-strip">
          {h.items.map((i) => (
            <li key={i.id}>
              <button
                type="button"
                className={i.id === h.selectedId ? 'selected' : undefined}
                aria-pressed={i.id === h.selectedId}
                aria-label={`Show snapshot at iteration ${i.iteration}`}
                onClick={() => select(i.id === h.selectedId ? null : i.id)}
              >
                <img src={i.url} alt="" />
                <span>{i.iteration}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {selected && <SnapshotView item={selected} />}
      {h.items.length > 0 && (
        <div className="history-actions">
          <TimelapseExport />
          <button type="button" disabled={running} onClick={() => clearHistory().catch(report)}>
            Clear history
          </button>
        </div>
      )}
    </section>
  );
}
