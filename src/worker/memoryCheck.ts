/**
 * Before a run: will its output size fit on this device and backend? The engine's memory model
 * (measured tf.memory() growth per pixel, src/engine/memoryEstimate.ts) against this backend's
 * limits. Models are measured once per backend and layer set, and only for sizes where the answer
 * is not obvious.
 */
import * as tf from '@tensorflow/tfjs';
import {
  measureMemoryModel,
  refusalMessage,
  type DeviceLimits,
  type MemoryModel,
  WASM_HEAP_BYTES,
  WASM_USABLE_SHARE,
} from '../engine/memoryEstimate';
import { neededLayers } from '../engine/objective';
import type { StyleSettings } from '../engine/settings';
import type { SpatialMask } from '../engine/masks/spec';
import {
  checkTiledOutputSize,
  type TiledFitVerdict,
  untiledMaxPixels,
} from '../engine/tiles/tiledMemory';
import { type TilingOptions, tilingUnsupported } from '../engine/tiles/tiledRun';
import type { Vgg16Weights } from '../model/weights';

/** Below this many output pixels every backend holds a run (a few hundred MB): no measuring. */
export const ALWAYS_FITS_PIXELS = 256 * 256;

const models = new Map<string, MemoryModel>();

/**
 * What this backend may use. WebGL exposes neither its memory size nor its use by others, so its
 * budget is half the device memory the browser reports (navigator.deviceMemory, which browsers cap
 * at 8 GiB), at least 1 GiB; wasm has its 4 GiB heap; the cpu backend the JS heap (2 GiB assumed).
 * What is already allocated (the weights) is taken off.
 */
export function deviceLimits(): DeviceLimits {
  const backend = tf.getBackend();
  const used = tf.memory().numBytes;
  if (backend === 'webgl') {
    const gib = (self.navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? 4;
    return {
      budgetBytes: Math.max(2 ** 30, (gib / 2) * 2 ** 30) - used,
      maxTextureSize: tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE'),
    };
  }
  if (backend === 'wasm')
    return { budgetBytes: WASM_USABLE_SHARE * WASM_HEAP_BYTES - used, maxTextureSize: null };
  return { budgetBytes: 2 * 2 ** 30 - used, maxTextureSize: null };
}

/** The memory model of this backend for these settings' layers (measured at 32 and 64 px once). */
export async function memoryModelFor(
  weights: Vgg16Weights,
  settings: StyleSettings,
): Promise<MemoryModel> {
  const key = `${tf.getBackend()}:${neededLayers(settings).sort().join(',')}`;
  let model = models.get(key);
  if (!model) {
    model = await measureMemoryModel(weights, settings);
    models.set(key, model);
  }
  return model;
}

/**
 * Whether a width x height output fits here, untiled or in tiles (where the settings allow tiles),
 * and if not the largest long side that does.
 */
export async function estimateFit(
  weights: Vgg16Weights,
  settings: StyleSettings,
  width: number,
  height: number,
  mask: SpatialMask | null = null,
): Promise<TiledFitVerdict> {
  const model = await memoryModelFor(weights, settings);
  const tilable = tilingUnsupported(settings, mask) === null;
  return checkTiledOutputSize(model, height, width, deviceLimits(), tilable);
}

/** The refusal message for an output that will not fit, or null to go ahead. */
export async function refuseIfTooLarge(
  weights: Vgg16Weights,
  settings: StyleSettings,
  output: { width: number; height: number },
  mask: SpatialMask | null = null,
): Promise<string | null> {
  if (output.width * output.height <= ALWAYS_FITS_PIXELS) return null;
  const verdict = await estimateFit(weights, settings, output.width, output.height, mask);
  const refusal = refusalMessage(output.height, output.width, verdict);
  const why = tilingUnsupported(settings, mask);
  return refusal && why && verdict.untiledLongSide < Math.max(output.width, output.height)
    ? `${refusal} Larger sizes run in tiles, but ${why}.`
    : refusal;
}

/**
 * How a run of this output size tiles its stages: those above what fits untiled here. Null when
 * no stage can need tiles (small outputs) or the settings cannot run tiled.
 */
export async function tilingFor(
  weights: Vgg16Weights,
  settings: StyleSettings,
  output: { width: number; height: number },
  mask: SpatialMask | null,
  debug: { tileAbovePixels: number | null } = { tileAbovePixels: null },
): Promise<Omit<TilingOptions, 'hooks'> | null> {
  if (tilingUnsupported(settings, mask) !== null) return null;
  if (debug.tileAbovePixels !== null) return { untiledMaxPixels: debug.tileAbovePixels };
  if (output.width * output.height <= ALWAYS_FITS_PIXELS) return null;
  const model = await memoryModelFor(weights, settings);
  return { untiledMaxPixels: untiledMaxPixels(model, deviceLimits()) };
}
