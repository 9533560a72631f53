/**
 * After a step ran out of memory at h x w, which output size to suggest. The memory actually
 * available is unknown (browsers do not say), only that it was less than that step's peak; the
 * suggestion is the largest size whose estimated peak (the fitted model of memoryEstimate.ts) is
 * at most OOM_HEADROOM of the failed one's, within the WebGL texture limit where there is one.
 */
import { checkOutputSize, estimatePeakBytes, type MemoryModel } from './memoryEstimate';

/** Share of the failed step's estimated peak that a suggested size may need. */
export const OOM_HEADROOM = 0.7;

export interface OomSuggestion {
  /** Estimated peak of the step that failed. */
  failedBytes: number;
  /** Largest long side (a multiple of 16, at least 64) that should fit; 0 when none does. */
  longSide: number;
}

export function sizeAfterOutOfMemory(
  model: MemoryModel,
  h: number,
  w: number,
  maxTextureSize: number | null,
): OomSuggestion {
  const failedBytes = estimatePeakBytes(model, h, w);
  const verdict = checkOutputSize(model, h, w, {
    budgetBytes: OOM_HEADROOM * failedBytes,
    maxTextureSize,
  });
  // The failed size itself never fits a budget below its own estimate.
  return { failedBytes, longSide: verdict.fits ? 0 : verdict.largestLongSide };
}
