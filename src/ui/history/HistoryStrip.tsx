import { useEffect, useState } from 'react';
import { isRunActive, useStore } from '../store';
import './history.css';
import {
  clearHistory,
  dismissNotice,
  exportTimelapse,
  initHistory,
  select,
  timelapseRun,
  useHistory,
} from './history';
import { groupRuns, runSummary } from './runs';
import { canEncodeWebm } from './timelapse';
import { REASON } from './SnapshotView';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function report(e: unknown): void {
  useStore.getState().setError(String(e));
}

/** Time-lapse of the selected snapshot's run (else the newest run), with a progress bar. */
function TimelapseExport() {
  const frames = useHistory((h) => timelapseRun(h).length);
  const size = useHistory((h) => {
    const last = timelapseRun(h).at(-1);
    return last ? `${last.width}x${last.height}` : null;
  });
  const progress = useHistory((h) => h.timelapse);
  // WebCodecs at the result's own size decides the format; else the export is an animated PNG.
  const [format, setFormat] = useState<'WebM' | 'animated PNG'>(
    typeof VideoEncoder === 'function' ? 'WebM' : 'animated PNG',
  );
  useEffect(() => {
    if (!size) return;
    const [w, h] = size.split('x').map(Number);
    let live = true;
    void canEncodeWebm(w, h).then((ok) => live && setFormat(ok ? 'WebM' : 'animated PNG'));
    return () => {
      live = false;
    };
  }, [size]);
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

/** Thumbnails of the kept snapshots, one row per run (oldest first), each in iteration order. */
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
          <button type="button" aria-label="Dismiss history notice" onClick={dismissNotice}>
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
        <ol className="history-runs" data-testid="history-strip">
          {groupRuns(h.items).map((run) => (
            <li key={run.runId} className="history-run" data-testid="history-run">
              <p className="history-run-label">
                <strong>Run {run.number}</strong> · {runSummary(run.items)}
              </p>
              <ol className="history-strip" aria-label={`Snapshots of run ${run.number}`}>
                {run.items.map((i) => (
                  <li key={i.id}>
                    <button
                      type="button"
                      className={i.id === h.selectedId ? 'selected' : undefined}
                      aria-pressed={i.id === h.selectedId}
                      aria-label={`Show snapshot at iteration ${i.iteration}`}
                      title={`Iteration ${i.iteration}${REASON[i.reason] ? ` (${REASON[i.reason]})` : ''} · ${i.width}×${i.height} px`}
                      onClick={() => select(i.id === h.selectedId ? null : i.id)}
                    >
                      <img src={i.url} alt="" />
                      <span>
                        {i.iteration}
                        {i.reason === 'stage' ? ' ▪' : ''}
                      </span>
                    </button>
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
      {selected && (
        <p className="hint">
          Iteration {selected.iteration} of this history is shown large in the result panel.
        </p>
      )}
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
