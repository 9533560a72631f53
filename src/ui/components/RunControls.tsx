import { useEffect, useRef, useState } from 'react';
import { isRunActive, useStore } from '../store';
import { workerClient } from '../workerClient';
import { keptInHistory, useHistory } from '../history/history';
import { restartWarning } from '../history/runs';

/** Start / Pause / Resume / Stop / Download, enabled by what the run and inputs allow. */
export function RunControls() {
  const state = useStore((s) => s.run.state);
  const pending = useStore((s) => s.run.pending);
  const iteration = useStore((s) => s.run.iteration);
  const ready = useStore((s) => s.weights.status === 'ready' && !!s.content && !!s.style);
  const noLayers = useStore((s) => s.settings.styleLayers.length === 0);
  const active = isRunActive(state);
  const restored = useStore((s) => s.run.restored);
  const budget = useStore((s) => s.maxIterations);
  const downloaded = useStore((s) => s.run.keptIteration);
  // A restored result is History's newest snapshot; a live run's kept ones carry its run id.
  const inHistory = useHistory((h) => (restored ? iteration : keptInHistory(h, h.liveRunId)));
  // A result kept across a reload goes on as a new run from its image (inputs and weights needed).
  const canResume = restored
    ? state === 'stopped' && ready && iteration < budget
    : state === 'paused' || state === 'done';
  const hasImage = state !== 'idle' && state !== 'starting';
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  // Progress that a restart would throw away: ask first.
  const hasProgress = (active || state === 'done' || state === 'stopped') && iteration > 0;
  const blocked = !ready || noLayers;

  // Nothing left to lose (e.g. the weights changed meanwhile): no question either.
  const asking = confirming && hasProgress;
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  const start = () => {
    setConfirming(false);
    workerClient.start();
    // Keep the keyboard where it was: the button stays focusable (aria-disabled while starting).
    startRef.current?.focus();
  };

  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      <button
        ref={startRef}
        type="button"
        className="primary"
        // aria-disabled rather than disabled while starting: a disabled button drops the focus.
        disabled={blocked}
        aria-disabled={state === 'starting' ? true : undefined}
        onClick={() => {
          if (state === 'starting') return;
          // A size that will not fit is refused first: no question about losing the result.
          if (workerClient.refuseSize()) return;
          if (hasProgress) setConfirming(true);
          else start();
        }}
      >
        {active || state === 'done' || state === 'stopped' ? 'Restart' : 'Start'}
      </button>
      {/* One element for Pause and Resume, aria-disabled while pausing or stopping: a button
          that becomes disabled under the keyboard drops the focus to the page's body. */}
      {canResume || restored ? (
        <button type="button" disabled={!canResume} onClick={() => workerClient.resume()}>
          Resume
        </button>
      ) : (
        <button
          type="button"
          disabled={state !== 'running' && pending === null}
          aria-disabled={pending !== null ? true : undefined}
          onClick={() => {
            if (state === 'running' && pending === null) workerClient.pause();
          }}
        >
          {pending === 'pausing' ? 'Pausing…' : 'Pause'}
        </button>
      )}
      <button
        type="button"
        disabled={!active && pending !== 'stopping'}
        aria-disabled={pending === 'stopping' ? true : undefined}
        onClick={() => {
          if (active && pending !== 'stopping') workerClient.stop();
        }}
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
      {asking && (
        <div className="confirm" role="alertdialog" aria-label="Restart the run?">
          <p data-testid="restart-warning">{restartWarning(iteration, inHistory, downloaded)}</p>
          <button ref={confirmRef} type="button" className="primary" onClick={start}>
            Restart from scratch
          </button>
          <button
            type="button"
            onClick={() => {
              setConfirming(false);
              startRef.current?.focus();
            }}
          >
            Keep this run
          </button>
        </div>
      )}
    </div>
  );
}
