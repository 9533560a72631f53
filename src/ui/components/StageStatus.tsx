import { useStore } from '../store';
// Its own class: "stage" is the result's picture frame (checkerboard and border).

/** "stage 2 of 4 · 256 px" while a coarse-to-fine run goes on. */
export function StageStatus() {
  const stage = useStore((s) => s.run.stage);
  if (!stage) return null;
  return (
    <span
      className="stage-badge"
      data-testid="stage"
      data-number={stage.number}
      data-count={stage.count}
    >
      stage {stage.number} of {stage.count} · {stage.longSide} px
    </span>
  );
}
