/**
 * The cost of an iteration as a fixed part plus a part per pixel, fitted from at least two
 * measured sizes, and a whole run's time through its coarse-to-fine stages. One pixel count alone
 * cannot tell the two parts apart: at 64 px fixed costs (kernel launches, readbacks, the
 * optimiser's bookkeeping) are most of a step, at 512 px they are noise, so scaling a small size's
 * time by the pixel count overestimates large runs many times over.
 * Pure arithmetic: every time figure on the page comes from here.
 */
import { planStages } from '../../common/stagePlan';
import { TILE_OVERLAP, TILE_SIZE, tileGrid } from '../../common/tileGrid';

/** One measured figure: a step (or a forward+backward pass) of `pixels` output pixels took `ms`. */
export interface CostPoint {
  pixels: number;
  ms: number;
}

export interface IterationCost {
  fixedMs: number;
  perPixelMs: number;
}

/** An iteration's cost and what a stage's start costs on top (targets, first-step set-up). */
export interface RunCost extends IterationCost {
  /** A stage's start (its content and style targets, its first step's extras), in iterations of that stage. */
  stageSetupIterations: number;
}

/**
 * Sizes closer than this ratio of pixel counts are one size to the fit: their spread says more about
 * noise than about how time grows.
 */
const DISTINCT_SIZES = 1.5;

/**
 * Least-squares line ms = fixed + perPixel × pixels; null unless the points span two distinct sizes.
 * Neither part may be negative (noise at two close sizes can tilt the line): the other part then
 * takes the whole time.
 */
export function fitIterationCost(points: readonly CostPoint[]): IterationCost | null {
  const ok = points.filter((p) => p.pixels > 0 && Number.isFinite(p.ms) && p.ms > 0);
  if (ok.length < 2) return null;
  const px = ok.map((p) => p.pixels);
  if (Math.max(...px) < DISTINCT_SIZES * Math.min(...px)) return null;
  const n = ok.length;
  const mx = px.reduce((a, b) => a + b, 0) / n;
  const my = ok.reduce((a, p) => a + p.ms, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of ok) {
    sxy += (p.pixels - mx) * (p.ms - my);
    sxx += (p.pixels - mx) ** 2;
  }
  const slope = sxy / sxx;
  const fixed = my - slope * mx;
  if (slope <= 0) return { fixedMs: my, perPixelMs: 0 };
  if (fixed < 0) {
    // Through the origin: the per-pixel part alone.
    const k =
      ok.reduce((a, p) => a + p.pixels * p.ms, 0) / ok.reduce((a, p) => a + p.pixels ** 2, 0);
    return { fixedMs: 0, perPixelMs: k };
  }
  return { fixedMs: fixed, perPixelMs: slope };
}

export function iterationMs(cost: IterationCost, pixels: number): number {
  return cost.fixedMs + cost.perPixelMs * pixels;
}

/** The same shape (share of fixed and per-pixel time) rescaled to pass through `at`. */
export function rescaleThrough(cost: IterationCost, at: CostPoint): IterationCost {
  const predicted = iterationMs(cost, at.pixels);
  const k = predicted > 0 ? at.ms / predicted : 1;
  return { fixedMs: cost.fixedMs * k, perPixelMs: cost.perPixelMs * k };
}

/** The same shape rescaled to fit several measured steps best (least squares on the scale). */
export function rescaleThroughAll(
  cost: IterationCost,
  points: readonly CostPoint[],
): IterationCost {
  let num = 0;
  let den = 0;
  for (const p of points) {
    const pred = iterationMs(cost, p.pixels);
    num += p.ms * pred;
    den += pred * pred;
  }
  const k = den > 0 ? num / den : 1;
  return { fixedMs: cost.fixedMs * k, perPixelMs: cost.perPixelMs * k };
}

/** What a run is planned as: its output size, budget, coarse to fine, and where it starts. */
export interface RunPlan {
  width: number;
  height: number;
  iterations: number;
  multiscale: boolean;
  /** Stages with a longer side than this run in tiles (what fits untiled; absent: none do). */
  tiledAbove?: number | null;
}

export interface StageTime {
  width: number;
  height: number;
  iterations: number;
  /** Iteration at which this stage starts. */
  startIteration: number;
  /** One iteration here. */
  iterationMs: number;
  /** The stage's start (targets and first-step set-up). */
  setupMs: number;
}

export interface RunEstimate {
  /** The whole run from Start: every stage's set-up and iterations. */
  totalMs: number;
  /** From Start to the first preview (the first stage's set-up and first step). */
  firstPreviewMs: number;
  stages: StageTime[];
}

/** Cuts of a tiled stage fall on multiples of the deepest layer's stride (16 px to block5). */
const TILE_ALIGN = 16;
/**
 * A tiled pass (src/engine/tiles) in iterations of its windows: a forward-only sweep for the
 * image's Grams (about a third of an iteration each), then every window's forward and backward
 * with the content's forward (a third more).
 */
export const TILED_PASS_WINDOW_ITERATIONS = 5 / 3;
/** A tiled stage's start: one forward-only sweep of the style at the stage's size. */
export const TILED_SETUP_WINDOW_ITERATIONS = 1 / 3;

/** The summed cost of one iteration on each window of an h x w tiled stage's grid. */
export function tileWindowsMs(cost: IterationCost, h: number, w: number): number {
  const grid = tileGrid(h, w, { tileSize: TILE_SIZE, overlap: TILE_OVERLAP, align: TILE_ALIGN });
  const size = (s: { start: number; end: number }) => s.end - s.start;
  return grid.reduce((a, t) => a + iterationMs(cost, size(t.windowRows) * size(t.windowCols)), 0);
}

export function stageTimes(cost: RunCost, plan: RunPlan): StageTime[] {
  const stages = planStages(plan.height, plan.width, plan.iterations, plan.multiscale);
  let start = 0;
  return stages.map((s) => {
    const tiled = plan.tiledAbove != null && s.longSide > plan.tiledAbove;
    const windows = tiled ? tileWindowsMs(cost, s.height, s.width) : 0;
    const ms = tiled
      ? TILED_PASS_WINDOW_ITERATIONS * windows
      : iterationMs(cost, s.width * s.height);
    const t: StageTime = {
      width: s.width,
      height: s.height,
      iterations: s.iterations,
      startIteration: start,
      iterationMs: ms,
      setupMs: tiled ? TILED_SETUP_WINDOW_ITERATIONS * windows : ms * cost.stageSetupIterations,
    };
    start += s.iterations;
    return t;
  });
}

export function estimateRun(cost: RunCost, plan: RunPlan): RunEstimate {
  const stages = stageTimes(cost, plan);
  const totalMs = stages.reduce((a, s) => a + s.setupMs + s.iterations * s.iterationMs, 0);
  const first = stages[0];
  return { totalMs, firstPreviewMs: first.setupMs + first.iterationMs, stages };
}

/**
 * Time left after `done` iterations of a run planned as `plan`: the rest of the current stage and
 * the later stages with their set-up. Iterations past the plan (a raised budget) run at the final size.
 */
export function remainingMs(
  cost: RunCost,
  plan: RunPlan,
  done: number,
  budget = plan.iterations,
): number {
  const stages = stageTimes(cost, plan);
  let ms = 0;
  stages.forEach((s, i) => {
    const last = i === stages.length - 1;
    const end = last
      ? Math.max(budget, s.startIteration + s.iterations)
      : s.startIteration + s.iterations;
    const todo = Math.max(0, Math.min(end, budget) - Math.max(done, s.startIteration));
    if (todo <= 0) return;
    if (done <= s.startIteration) ms += s.setupMs;
    ms += todo * s.iterationMs;
  });
  return ms;
}
