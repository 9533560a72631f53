/**
 * What a first result in about two minutes is on this device: the largest size whose whole
 * coarse-to-fine run of PREFERRED_ITERATIONS fits, from the cost model. Offered next to the size
 * field; applied only on a click (or as a first visit's defaults, before the person set anything).
 */
import { outputSize, MIN_LONG_SIDE, type Size } from '../geometry';
import { estimateRun, type RunCost } from './costModel';

export const TARGET_SECONDS = 120;
const LONG_SIDES = [64, 96, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 1024] as const;
const PREFERRED_ITERATIONS = 100;
const MIN_ITERATIONS = 20;

/** The shape planned for before a content image is chosen (most photos are 4:3). */
export const SHAPE_BEFORE_CONTENT: Size = { width: 4, height: 3 };

export interface RunSuggestion {
  longSide: number;
  iterations: number;
  seconds: number;
}

/**
 * The largest size whose PREFERRED_ITERATIONS fit in TARGET_SECONDS (and in `maxLongSide`, the
 * largest that fits in memory); on a device too slow even for the smallest, fewer iterations there.
 */
export function suggestRun(
  cost: RunCost,
  content: Size | null,
  multiscale: boolean,
  maxLongSide = Infinity,
): RunSuggestion {
  const shape = content ?? SHAPE_BEFORE_CONTENT;
  const seconds = (longSide: number, iterations: number) => {
    const { width, height } = outputSize(shape, longSide);
    return estimateRun(cost, { width, height, iterations, multiscale }).totalMs / 1000;
  };
  let best: RunSuggestion | null = null;
  for (const longSide of LONG_SIDES) {
    if (longSide > maxLongSide) break;
    const s = seconds(longSide, PREFERRED_ITERATIONS);
    if (s <= TARGET_SECONDS) best = { longSide, iterations: PREFERRED_ITERATIONS, seconds: s };
  }
  if (best) return best;
  const one = seconds(MIN_LONG_SIDE, 1);
  const iterations = Math.max(MIN_ITERATIONS, Math.floor(TARGET_SECONDS / one));
  return { longSide: MIN_LONG_SIDE, iterations, seconds: seconds(MIN_LONG_SIDE, iterations) };
}
