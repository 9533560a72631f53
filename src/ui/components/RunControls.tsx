import { isRunActive, useStore } from '../store';
import { workerClient } from '../workerClient';

/** Start / Pause / Resume / Stop / Download, enabled by what the run and inputs allow. */
export function RunControls() {
  const state = useStore((s) => s.run.state);
  const pending = useStore((s) => s.run.pending);
  const iteration = useStore((s) => s.run.iteration);
  const ready = useStore((s) => s.weights.status === 'ready' && !!s.content && !!s.style);
  const noLayers = useStore((s) => s.settings.styleLayers.length === 0);
  const active = isRunActive(state);
  const canResume = state === 'paused' || state === 'done';
  const hasImage = state !== 'idle' && state !== 'starting';
  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      <button
        type="button"
        className="primary"
        disabled={!ready || noLayers || state === 'starting'}
        onClick={() => workerClient.start()}
      >
        {active ? 'Restart' : 'Start'}
      </button>
      {canResume ? (
        <button type="button" onClick={() => workerClient.resume()}>
          Resume
        </button>
      ) : (
        <button
          type="button"
          disabled={state !== 'running' || pending !== null}
          onClick={() => workerClient.pause()}
        >
          {pending === 'pausing' ? 'Pausing…' : 'Pause'}
        </button>
      )}
      <button
        type="button"
        disabled={!active || pending === 'stopping'}
        onClick={() => workerClient.stop()}
      >
        {pending === 'stopping' ? 'Stopping…' : 'Stop'}
      </button>
      <button
        type="button"
        disabled={!hasImage}
        onClick={() => {
          workerClient.download().catch((e: unknown) => useStore.getState().setError(String(e)));
        }}
      >
        Download PNG{iteration > 0 ? ` (it ${iteration})` : ''}
      </button>
    </div>
  );
}
