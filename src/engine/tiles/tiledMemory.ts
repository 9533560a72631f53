/**
 * Memory of a tiled stage (issue 21), from the same fitted model as an untiled iteration
 * (memoryEstimate.ts). A tiled stage's backend peak is one tile's iteration (a window of at most
 * TILE_SIZE square) plus a few image-sized tensors (the style resized to the stage, the content and
 * the start image before they go to CPU arrays, one tile's copy of the image for the preview);
 * the whole image, the content, the gradient and Adam's moments live in CPU arrays.
 */
import {
  checkOutputSize,
  type DeviceLimits,
  estimatePeakBytes,
  type FitVerdict,
  formatBytes,
  type MemoryModel,
} from '../memoryEstimate';
import { TILE_SIZE } from './tiledRun';

/** Longest side a tiled output may have (the bound: prints and wallpapers). */
export const TILED_MAX_LONG_SIDE = 4096;
/** Image-sized float32 RGB tensors a tiled stage may hold at once on the backend. */
const IMAGE_TENSORS = 4;
/** Image-sized float32 RGB arrays a tiled stage keeps on the CPU (x, content, gradient, m, v, a copy). */
const CPU_ARRAYS = 6;
/** JS heap a tiled stage's arrays may take (a tab's worker has a few GiB; keep well within). */
export const CPU_BUFFER_BUDGET = 1.5 * 2 ** 30;

const imageBytes = (h: number, w: number) => h * w * 3 * 4;

/** Largest pixel count an untiled iteration fits in (0 when none does). */
export function untiledMaxPixels(model: MemoryModel, limits: DeviceLimits): number {
  const byBudget = (limits.budgetBytes - model.fixedBytes) / Math.max(1, model.bytesPerPixel);
  // memoryEstimate's texture bound: the widest full-resolution activation, 64 channels, 4 per texel.
  const max = limits.maxTextureSize;
  const byTexture = max === null ? Infinity : (max * max * 4) / 64;
  return Math.max(0, Math.floor(Math.min(byBudget, byTexture)));
}

/** Backend bytes of a tiled stage of h x w. */
export function tiledPeakBytes(model: MemoryModel, h: number, w: number): number {
  return estimatePeakBytes(model, TILE_SIZE, TILE_SIZE) + IMAGE_TENSORS * imageBytes(h, w);
}

function tiledLimitHit(model: MemoryModel, h: number, w: number, limits: DeviceLimits) {
  if (Math.max(h, w) > TILED_MAX_LONG_SIDE) {
    return `is larger than ${TILED_MAX_LONG_SIDE} px on its long side, the most even tiles take`;
  }
  const need = tiledPeakBytes(model, h, w);
  if (need > limits.budgetBytes) {
    return `needs about ${formatBytes(need)} even in tiles, more than the ${formatBytes(limits.budgetBytes)} available`;
  }
  const cpu = CPU_ARRAYS * imageBytes(h, w);
  if (cpu > CPU_BUFFER_BUDGET) {
    return `needs about ${formatBytes(cpu)} of page memory for its image and optimiser state in tiles, more than the ${formatBytes(CPU_BUFFER_BUDGET)} it may take`;
  }
  const max = limits.maxTextureSize;
  if (max !== null && Math.max(h, w) > max) {
    return `is larger than this device's WebGL texture limit (${max} px)`;
  }
  return null;
}

export type TiledFitVerdict = FitVerdict & {
  /** It fits only in tiles. */
  tiled: boolean;
  /** Largest long side (same aspect ratio, a multiple of 16) that runs untiled; 0 when none. */
  untiledLongSide: number;
};

/**
 * Whether h x w fits, untiled or (when `tilable`) in tiles, and if not the largest long side that
 * does. Untiled wins wherever it fits: a tiled pass costs more than an iteration.
 */
export function checkTiledOutputSize(
  model: MemoryModel,
  h: number,
  w: number,
  limits: DeviceLimits,
  tilable: boolean,
  minLongSide = 64,
  step = 16,
): TiledFitVerdict {
  const untiled = checkOutputSize(model, h, w, limits, minLongSide, step);
  const untiledLongSide = untiled.fits ? Math.max(h, w) : untiled.largestLongSide;
  if (untiled.fits || !tilable) return { ...untiled, tiled: false, untiledLongSide };
  const reason = tiledLimitHit(model, h, w, limits);
  const estimateBytes = tiledPeakBytes(model, h, w);
  if (reason === null) return { fits: true, estimateBytes, tiled: true, untiledLongSide };
  const long = Math.max(h, w);
  let largest = untiled.largestLongSide;
  for (let side = Math.floor(long / step) * step; side > largest; side -= step) {
    const sh = Math.max(1, Math.round((h * side) / long));
    const sw = Math.max(1, Math.round((w * side) / long));
    if (tiledLimitHit(model, sh, sw, limits) === null) {
      largest = side;
      break;
    }
  }
  return {
    fits: false,
    estimateBytes,
    reason,
    largestLongSide: largest,
    tiled: true,
    untiledLongSide,
  };
}
