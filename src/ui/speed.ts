/**
 * Run time from measured speed: an iteration's cost grows with the pixel count (VGG16's convs are
 * linear in it), so one figure (ms per iteration at some size) predicts any size.
 */
import { MIN_LONG_SIDE, outputSize, type Size } from './geometry';

export interface SpeedSample {
  /** Smoothed wall time of one iteration. */
  msPerIteration: number;
  /** Size of the image it was measured at. */
  width: number;
  height: number;
  backend: string;
  /** Where the figure came from: a run of this page, or a figure known before any run. */
  source: 'run' | 'prior';
}

/**
 * Before any measurement: this project's build machine (2 shared cores, software WebGL), wasm at
 * 64×64 px (README, "Speed"). Cautious on purpose: a faster device gets larger defaults after
 * its first run.
 */
export const PRIOR_SPEED: SpeedSample = {
  msPerIteration: 2900,
  width: 64,
  height: 64,
  backend: 'wasm',
  source: 'prior',
};

/** Seconds for `iterations` at `size`. */
export function estimateSeconds(speed: SpeedSample, size: Size, iterations: number): number {
  const perIteration =
    (speed.msPerIteration / 1000) * ((size.width * size.height) / (speed.width * speed.height));
  return perIteration * iterations;
}

/** What a first result should cost, and the choices a suggestion picks from. */
export const TARGET_SECONDS = 120;
const LONG_SIDES = [64, 96, 128, 192, 256, 384, 512] as const;
const PREFERRED_ITERATIONS = 100;
const MIN_ITERATIONS = 20;

export interface RunSuggestion {
  longSide: number;
  iterations: number;
  seconds: number;
}

/** The shape planned for before a content image is chosen (most photos are 4:3). */
export const SHAPE_BEFORE_CONTENT: Size = { width: 4, height: 3 };

/**
 * The largest size whose PREFERRED_ITERATIONS fit in TARGET_SECONDS; on a device too slow even
 * for the smallest size, fewer iterations there (at least MIN_ITERATIONS).
 */
export function suggestRun(speed: SpeedSample, content: Size | null): RunSuggestion {
  const shape = content ?? SHAPE_BEFORE_CONTENT;
  let best: RunSuggestion | null = null;
  for (const longSide of LONG_SIDES) {
    const seconds = estimateSeconds(speed, outputSize(shape, longSide), PREFERRED_ITERATIONS);
    if (seconds <= TARGET_SECONDS) best = { longSide, iterations: PREFERRED_ITERATIONS, seconds };
  }
  if (best) return best;
  const size = outputSize(shape, MIN_LONG_SIDE);
  const perIteration = estimateSeconds(speed, size, 1);
  const iterations = Math.max(MIN_ITERATIONS, Math.floor(TARGET_SECONDS / perIteration));
  return { longSide: MIN_LONG_SIDE, iterations, seconds: perIteration * iterations };
}
