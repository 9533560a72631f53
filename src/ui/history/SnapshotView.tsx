import { useStore } from '../store';
import {
  deleteSnapshot,
  downloadSnapshot,
  select,
  startFromSnapshot,
  useHistory,
  type HistoryItem,
} from './history';

export const REASON: Record<HistoryItem['reason'], string> = {
  cadence: '',
  stage: 'stage end',
  pause: 'paused',
  end: 'run end',
};

function report(e: unknown): void {
  useStore.getState().setError(String(e));
}

/** The snapshot picked in History: the result panel shows it in place of the live run. */
export function useSelectedSnapshot(): HistoryItem | null {
  return useHistory((h) => h.items.find((i) => i.id === h.selectedId) ?? null);
}

/** The large snapshot's image in the result panel (the live preview stays under it, hidden). */
export function SnapshotImage({ item, clip }: { item: HistoryItem; clip: number }) {
  return (
    <img
      className="snapshot-image"
      data-testid="snapshot-image"
      src={item.url}
      width={item.width}
      height={item.height}
      alt={`Snapshot at iteration ${item.iteration}`}
      draggable={false}
      style={clip > 0 ? { clipPath: `inset(0 0 0 ${clip}%)` } : undefined}
    />
  );
}

/** What the shown snapshot is, what can be done with it, and the way back to the live run. */
export function SnapshotActions({ item }: { item: HistoryItem }) {
  const canStart = useStore(
    (s) => s.weights.status === 'ready' && !!s.content && !!s.style && s.run.state !== 'starting',
  );
  return (
    <div className="history-view" role="region" aria-label="Snapshot" data-testid="history-view">
      <p>
        <strong>Snapshot</strong>: Iteration {item.iteration}
        {REASON[item.reason] ? ` (${REASON[item.reason]})` : ''} · {item.width}×{item.height} px ·{' '}
        {item.contentName} + {item.styleName}
      </p>
      <div className="history-actions">
        <button type="button" className="primary" onClick={() => select(null)}>
          Back to the live run
        </button>
        <button type="button" onClick={() => downloadSnapshot(item.id).catch(report)}>
          Download snapshot
        </button>
        <button
          type="button"
          disabled={!canStart}
          title="A new run with the current settings, starting from this image"
          onClick={() => {
            select(null);
            startFromSnapshot(item.id).catch(report);
          }}
        >
          New run from this image
        </button>
        <button type="button" onClick={() => deleteSnapshot(item.id).catch(report)}>
          Delete snapshot
        </button>
      </div>
    </div>
  );
}
