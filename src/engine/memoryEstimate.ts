/**
 * Will an output size fit? Before a run starts, the peak memory of one iteration (forward and
 * backward through VGG16 with the targets held) is estimated from what tf.memory() grows by at two
 * small sizes: the tensors of an iteration grow linearly with the pixel count, so
 *   peak(pixels) = fixedBytes + bytesPerPixel * pixels
 * is fitted from two measurements on the running backend. A size is refused when that estimate
 * exceeds the memory budget the caller gives, or when its largest tensor would not fit in a WebGL
 * texture (the maximum texture size is per device); the refusal names the largest size that fits.
 */
import * as tf from '@tensorflow/tfjs';
import type { Vgg16Weights } from '../model/weights';
import { styleObjective } from './objective';
import type { StyleSettings } from './settings';
import { StyleTargets } from './targets';

export interface MemoryModel {
  /** Bytes an iteration needs whatever the size (beyond what was allocated before it). */
  fixedBytes: number;
  /** Bytes more per output pixel. */
  bytesPerPixel: number;
  /** The measurements it was fitted from: [pixels, peak bytes above the start]. */
  samples: [number, number][];
}

export interface DeviceLimits {
  /** Bytes the backend may use for the run (weights already loaded are not counted in it). */
  budgetBytes: number;
  /** WebGL's MAX_TEXTURE_SIZE; null where there are no textures (wasm, cpu). */
  maxTextureSize: number | null;
}

/** The wasm backend's heap ends at 4 GiB (emscripten's getHeapMax in tfjs-backend-wasm). */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/** Share of the wasm heap a run may plan for (the rest: fragmentation, the allocator's own). */
export const WASM_USABLE_SHARE = 0.9;

/** Channels of VGG16's widest full-resolution activation (block1): the largest tensor of a run. */
const WIDEST_FULL_RES_CHANNELS = 64;

/**
 * Peak bytes above the start of one full iteration at h x w: the targets (content and style images
 * and their activations) and a forward + backward pass. tf.profile's peakBytes is the engine's
 * high-water mark of live tensor bytes, on any backend.
 */
export async function measureIterationPeak(
  weights: Vgg16Weights,
  settings: StyleSettings,
  h: number,
  w: number,
): Promise<number> {
  const start = tf.memory().numBytes;
  const info = await tf.profile(() => {
    const img = tf.tidy(() => tf.fill([h, w, 3], 127.5) as tf.Tensor3D);
    const targets = new StyleTargets(weights, tf.clone(img), [tf.clone(img)], 1);
    try {
      targets.sync(
        settings.contentLayer,
        settings.styleLayers.map((l) => l.name),
      );
      const objective = styleObjective(weights, targets, () => settings, [h, w, 3]);
      const flat = tf.reshape(img, [h * w * 3]);
      const out = objective(flat);
      tf.dispose([flat, out.loss, out.grad, out.report]);
    } finally {
      targets.dispose();
      img.dispose();
    }
  });
  return Math.max(0, info.peakBytes - start);
}

/** Fits the memory model from two sizes (square; small, so it is cheap on any backend). */
export async function measureMemoryModel(
  weights: Vgg16Weights,
  settings: StyleSettings,
  sizes: [number, number] = [32, 64],
): Promise<MemoryModel> {
  const samples: [number, number][] = [];
  for (const s of sizes) samples.push([s * s, await measureIterationPeak(weights, settings, s, s)]);
  const [[p0, b0], [p1, b1]] = samples;
  const bytesPerPixel = Math.max(0, (b1 - b0) / (p1 - p0));
  const fixedBytes = Math.max(0, b0 - bytesPerPixel * p0);
  return { fixedBytes, bytesPerPixel, samples };
}

/** Estimated peak bytes of an iteration at h x w. */
export function estimatePeakBytes(model: MemoryModel, h: number, w: number): number {
  return model.fixedBytes + model.bytesPerPixel * h * w;
}

/** Why h x w would not fit, or null when it would. */
function limitHit(model: MemoryModel, h: number, w: number, limits: DeviceLimits): string | null {
  const need = estimatePeakBytes(model, h, w);
  if (need > limits.budgetBytes) {
    return `needs about ${formatBytes(need)}, more than the ${formatBytes(limits.budgetBytes)} available`;
  }
  const max = limits.maxTextureSize;
  // tfjs packs 4 values per texel and lays a tensor out as a near-square texture.
  if (
    max !== null &&
    (Math.max(h, w) > max || (h * w * WIDEST_FULL_RES_CHANNELS) / 4 > max * max)
  ) {
    return `its largest tensor exceeds this device's WebGL texture limit (${max} px)`;
  }
  return null;
}

export type FitVerdict =
  | { fits: true; estimateBytes: number }
  | { fits: false; estimateBytes: number; reason: string; largestLongSide: number };

/**
 * Whether an output of h x w fits; when not, the largest long side (same aspect ratio, a multiple
 * of `step`, at least `minLongSide`) that does, or 0 when not even that one.
 */
export function checkOutputSize(
  model: MemoryModel,
  h: number,
  w: number,
  limits: DeviceLimits,
  minLongSide = 64,
  step = 16,
): FitVerdict {
  const estimateBytes = estimatePeakBytes(model, h, w);
  const reason = limitHit(model, h, w, limits);
  if (reason === null) return { fits: true, estimateBytes };
  const long = Math.max(h, w);
  let largest = 0;
  for (let side = Math.floor(long / step) * step; side >= minLongSide; side -= step) {
    const sh = Math.max(1, Math.round((h * side) / long));
    const sw = Math.max(1, Math.round((w * side) / long));
    if (limitHit(model, sh, sw, limits) === null) {
      largest = side;
      break;
    }
  }
  return { fits: false, estimateBytes, reason, largestLongSide: largest };
}

/** The message the page shows for a refused size. */
export function refusalMessage(h: number, w: number, verdict: FitVerdict): string | null {
  if (verdict.fits) return null;
  const fitsText =
    verdict.largestLongSide > 0
      ? `The largest output that fits here is ${verdict.largestLongSide} px on the long side.`
      : 'Not even the smallest output fits here.';
  return `A ${w}×${h} output will not fit on this device: it ${verdict.reason}. ${fitsText}`;
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  return `${Math.round(b / 2 ** 20)} MiB`;
}

/** True when an error looks like the backend ran out of memory (webgl, wasm or the JS heap). */
export function isOutOfMemoryError(e: unknown): boolean {
  const msg = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /out of memory|OOM|Array buffer allocation failed|Cannot enlarge memory|Aborted\(|allocation failed|RangeError: .*(memory|buffer)|texture size .* greater than/i.test(
    msg,
  );
}
