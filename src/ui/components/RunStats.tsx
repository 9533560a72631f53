import { useStore } from '../store';
import { formatNumber } from './SliderField';

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** Iteration counter, speed, progress and the latest loss terms. */
export function RunStats() {
  const run = useStore((s) => s.run);
  const perSecond = run.avgStepMs > 0 ? 1000 / run.avgStepMs : 0;
  const left = run.maxIterations - run.iteration;
  const l = run.losses;
  return (
    <div className="run-stats">
      <p>
        <span className="state" data-testid="run-state">
          {run.state}
        </span>{' '}
        · Iteration{' '}
        <span data-testid="iteration" data-value={run.iteration}>
          {run.iteration}
        </span>{' '}
        / {run.maxIterations || '–'} ·{' '}
        <span data-testid="its-per-second">{perSecond ? perSecond.toFixed(2) : '–'}</span> it/s ·
        time left {perSecond && run.state === 'running' ? formatDuration(left / perSecond) : '–'}
      </p>
      <progress
        aria-label="Run progress"
        max={run.maxIterations || 1}
        value={Math.min(run.iteration, run.maxIterations || 0)}
      />
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
