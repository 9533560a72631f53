import { useEffect, useState } from 'react';
import { useStore } from '../store';
import { formatDuration, formatNumber } from '../format';
import { StageStatus } from './StageStatus';
import { useSession } from '../session/session';
import { remainingMs } from '../cost/costModel';
import { backendModel } from '../cost/deviceCost';
import { deepestOf } from '../cost/pagePlan';

/**
 * Time left, from the same cost model as the estimate before Start, refined by this run's own
 * steps so far (the current stage's measured step time).
 */
function useTimeLeft(): number | null {
  const run = useStore((s) => s.run);
  const calibration = useStore((s) => s.calibration);
  const samples = useStore((s) => s.runSamples);
  const stageSetup = useStore((s) => s.stageSetup);
  const settings = useStore((s) => s.settings);
  if (!run.plan || !run.backend) return null;
  const live = run.liveSample ? [run.liveSample] : [];
  const deepest = deepestOf(run.applied ?? settings);
  const model = backendModel(
    run.backend,
    calibration,
    [...samples, ...live],
    deepest,
    stageSetup[run.backend],
  );
  if (!model) return null;
  return remainingMs(model.cost, run.plan, run.iteration, run.maxIterations) / 1000;
}

/** Seconds since `since` (performance.now() time), ticking once a second while `on`. */
function useElapsed(since: number | null, on: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return since === null ? 0 : Math.max(0, (now - since) / 1000);
}

/** Iteration counter, speed, progress and the latest loss terms. */
export function RunStats() {
  const run = useStore((s) => s.run);
  // Between Start and the first finished step: style targets, then a first (slow) step.
  const preparing = (run.state === 'starting' || run.state === 'running') && run.losses === null;
  const elapsed = useElapsed(run.startedAt, preparing);
  const perSecond = run.avgStepMs > 0 ? 1000 / run.avgStepMs : 0;
  const left = useTimeLeft();
  const active = useStore((s) => s.backendInfo?.backend);
  // What the run waits for, said as such: the worker's job before it, a backend switch, targets.
  const preparingWhat =
    run.state !== 'starting'
      ? 'the first step'
      : !run.workerStarted
        ? run.backend && active && run.backend !== active
          ? `switching to ${run.backend}, the fastest backend at this size`
          : 'waiting for the worker to finish its current job'
        : 'computing the style targets';
  const l = run.losses;
  // After a reload, until the kept result is back (the weights load first): not "idle".
  const restoring = useSession((s) => s.restoring) && run.state === 'idle';
  return (
    <div className="run-stats">
      <p>
        <span className="state" data-testid="run-state">
          {restoring ? 'Restoring…' : run.state}
        </span>{' '}
        · Iteration{' '}
        <span data-testid="iteration" data-value={run.iteration}>
          {run.iteration}
        </span>{' '}
        / {run.maxIterations || '–'} ·{' '}
        <span data-testid="its-per-second">{perSecond ? perSecond.toFixed(2) : '–'}</span> it/s ·
        time left{' '}
        <span data-testid="time-left" data-seconds={left ?? ''}>
          {left != null && run.state === 'running' ? formatDuration(left) : '–'}
        </span>{' '}
        <StageStatus />
      </p>
      <progress
        aria-label="Run progress"
        max={run.maxIterations || 1}
        value={Math.min(run.iteration, run.maxIterations || 0)}
      />
      {restoring && (
        <p className="preparing" role="status" data-testid="restoring">
          Restoring the result kept from before the reload: it shows once the weights are in.
        </p>
      )}
      {preparing && (
        <p className="preparing" role="status" data-testid="preparing">
          Preparing: {preparingWhat}… {formatDuration(elapsed)}
        </p>
      )}
      {run.message && <p className="notice">{run.message}</p>}
      <dl className="losses">
        <dt>Total J</dt>
        <dd data-testid="loss-total" data-value={l?.total}>
          {l ? formatNumber(l.total) : '–'}
        </dd>
        <dt>α·J_content</dt>
        <dd data-testid="loss-content" data-value={l?.weightedContent}>
          {l ? formatNumber(l.weightedContent) : '–'}
        </dd>
        <dt>β·J_style</dt>
        <dd data-testid="loss-style" data-value={l?.weightedStyle}>
          {l ? formatNumber(l.weightedStyle) : '–'}
        </dd>
        <dt>J_style</dt>
        <dd data-testid="loss-style-raw" data-value={l?.style}>
          {l ? formatNumber(l.style) : '–'}
        </dd>
        <dt>tv term</dt>
        <dd data-testid="loss-tv" data-value={l?.weightedTv}>
          {l ? formatNumber(l.weightedTv) : '–'}
        </dd>
      </dl>
    </div>
  );
}
