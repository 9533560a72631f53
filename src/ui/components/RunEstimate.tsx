import { useShallow } from 'zustand/react/shallow';
import { isRunActive, useStore } from '../store';
import { outputSize } from '../geometry';
import { estimateSeconds, PRIOR_SPEED, SHAPE_BEFORE_CONTENT, suggestRun } from '../speed';
import { formatDuration } from '../format';

function about(seconds: number): string {
  return seconds < 60 ? `${Math.max(1, Math.round(seconds / 5) * 5)} s` : formatDuration(seconds);
}

/** What both figures are worked out from: this device's speed, the content, size and budget. */
function usePlanInputs() {
  return useStore(
    useShallow((st) => ({
      speed: st.speed,
      content: st.content,
      longSide: st.outputLongSide,
      iterations: st.maxIterations,
    })),
  );
}

/** Before Start: how long the run will take here, from the measured speed (or a cautious prior). */
export function RunEstimate() {
  const s = usePlanInputs();
  const active = useStore((st) => isRunActive(st.run.state));
  if (active) return null;
  const speed = s.speed ?? PRIOR_SPEED;
  // Before a content image, the same shape the size suggestion plans for: both figures agree.
  const size = outputSize(s.content ?? SHAPE_BEFORE_CONTENT, s.longSide);
  const seconds = estimateSeconds(speed, size, s.iterations);
  const perIteration = (speed.msPerIteration / 1000).toFixed(speed.msPerIteration < 1000 ? 2 : 1);
  const basis =
    speed.source === 'run'
      ? `measured here: ${perIteration} s per iteration at ${speed.width}×${speed.height} px on ${speed.backend}`
      : 'a cautious figure until a first run measures this device';
  return (
    <p className="estimate" data-testid="estimate" data-seconds={Math.round(seconds)}>
      About <strong>{about(seconds)}</strong> for {s.iterations} iterations at {size.width}×
      {size.height} px ({basis}).
    </p>
  );
}

/** Next to the size: what fits in about two minutes on this device, and a button to use it. */
export function SizeSuggestion() {
  const s = usePlanInputs();
  const apply = useStore((st) => st.applySuggestion);
  const g = suggestRun(s.speed ?? PRIOR_SPEED, s.content);
  const same = g.longSide === s.longSide && g.iterations === s.iterations;
  return (
    <p className="hint" data-testid="size-suggestion">
      For a first result in about {about(g.seconds)} here: {g.longSide} px, {g.iterations}{' '}
      iterations.{' '}
      {!same && (
        <button type="button" className="link" onClick={apply}>
          Use these
        </button>
      )}
    </p>
  );
}
