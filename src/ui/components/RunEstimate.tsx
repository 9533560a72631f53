import { isRunActive, useStore } from '../store';
import { formatDuration, formatStepTime } from '../format';
import { usePagePlan, type PagePlan } from '../cost/pagePlan';
import { iterationMs } from '../cost/costModel';

function about(seconds: number): string {
  return seconds < 60 ? `${Math.max(1, Math.round(seconds / 5) * 5)} s` : formatDuration(seconds);
}

/** What the figures rest on, in words. */
function basis(p: PagePlan): string {
  const m = p.model;
  if (!m) return `${p.backend} has not been measured here yet`;
  const at = formatStepTime(iterationMs(m.cost, p.size.width * p.size.height));
  const what =
    m.basis === 'prior'
      ? 'a first guess until this device is measured'
      : m.basis === 'calibration'
        ? `measured here on ${p.backend}`
        : `measured here by runs on ${p.backend}`;
  return `${what}: ${at} per iteration at this size`;
}

/** Before Start: how long the run will take here, from the cost model of the backend it will use. */
export function RunEstimate() {
  const p = usePagePlan();
  const active = useStore((st) => isRunActive(st.run.state));
  if (active || !p.estimate) return null;
  const seconds = p.estimate.totalMs / 1000;
  const stages = p.estimate.stages.length;
  const above = p.plan.tiledAbove;
  const tiled = above ? p.estimate.stages.filter((s) => Math.max(s.width, s.height) > above) : [];
  return (
    <p
      className="estimate"
      data-testid="estimate"
      data-seconds={Math.round(seconds)}
      data-ms={Math.round(p.estimate.totalMs)}
      data-backend={p.backend}
      data-stage-ms={p.estimate.stages
        .map((s) => Math.round(s.setupMs + s.iterations * s.iterationMs))
        .join(',')}
    >
      About <strong>{about(seconds)}</strong> for {p.plan.iterations} iterations at {p.size.width}×
      {p.size.height} px{stages > 1 ? ` in ${stages} stages` : ''}
      {tiled.length > 0
        ? `, ${tiled.length === stages ? 'all' : tiled.length} in tiles (above ${above} px)`
        : ''}{' '}
      ({basis(p)}).
    </p>
  );
}

/** Next to the size: what fits in about two minutes on this device, and a button to use it. */
export function SizeSuggestion() {
  const p = usePagePlan();
  const apply = useStore((st) => st.applySuggestion);
  const g = p.suggestion;
  if (!g) return null;
  const same =
    g.longSide === Math.max(p.size.width, p.size.height) && g.iterations === p.plan.iterations;
  return (
    <p className="hint" data-testid="size-suggestion">
      For a first result in about {about(g.seconds)} here: {g.longSide} px, {g.iterations}{' '}
      iterations.{' '}
      {!same && (
        <button type="button" className="link" onClick={() => apply(g)}>
          Use these
        </button>
      )}
    </p>
  );
}
