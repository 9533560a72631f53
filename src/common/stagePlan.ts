/**
 * The coarse-to-fine stage plan as plain arithmetic (no tfjs): which sizes a run goes through and
 * how many iterations each gets. The engine runs it (src/engine/stages.ts); the page plans time
 * with it (src/ui/cost), so both always agree on the stages.
 */
/** Stages keep halving the long side while it is above this, */
export const STAGE_START_MAX = 128;
/** ... and never go below this (VGG's deepest layers need a few pixels). */
export const STAGE_MIN = 32;

export interface Stage {
  longSide: number;
  height: number;
  width: number;
  /** Iterations of this stage; the last stage takes whatever the budget has left. */
  iterations: number;
}

/** [h, w] with the long side `longSide` and the aspect ratio of h x w. */
export function sizeWithLongSide(h: number, w: number, longSide: number): [number, number] {
  const s = longSide / Math.max(h, w);
  return [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))];
}

/** Long sides of the stages, coarsest first: halving at least once (if >= STAGE_MIN), then while above STAGE_START_MAX. */
export function stageLongSides(finalLongSide: number, multiscale: boolean): number[] {
  const sides = [finalLongSide];
  if (!multiscale) return sides;
  let s = finalLongSide;
  while (Math.floor(s / 2) >= STAGE_MIN && (sides.length === 1 || s > STAGE_START_MAX)) {
    s = Math.floor(s / 2);
    sides.unshift(s);
  }
  return sides;
}

/**
 * The stages for an output of h x w and an iteration budget: the first stage gets two shares, every
 * other one share (each at least 1 iteration; with a tiny budget the coarsest stages are dropped).
 */
export function planStages(h: number, w: number, budget: number, multiscale: boolean): Stage[] {
  let sides = stageLongSides(Math.max(h, w), multiscale);
  while (sides.length > 1 && budget < sides.length + 1) sides = sides.slice(1);
  const shares = sides.length + 1;
  const unit = Math.max(1, Math.floor(budget / shares));
  return sides.map((longSide, i) => {
    const [sh, sw] = i === sides.length - 1 ? [h, w] : sizeWithLongSide(h, w, longSide);
    const last = i === sides.length - 1;
    const iterations =
      sides.length === 1
        ? Math.max(1, budget)
        : last
          ? Math.max(1, budget - unit * sides.length)
          : i === 0
            ? 2 * unit
            : unit;
    return { longSide, height: sh, width: sw, iterations };
  });
}

/**
 * The stage whose next step is iteration `done + 1` after `done` iterations: a stage that has had
 * all its iterations hands over to the next; the last stage takes any iterations past the plan.
 */
export function stageAt(stages: readonly Stage[], done: number): number {
  let start = 0;
  for (let i = 0; i < stages.length - 1; i++) {
    start += stages[i].iterations;
    if (done < start) return i;
  }
  return stages.length - 1;
}
