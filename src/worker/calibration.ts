/**
 * Auto's choice of backend, by measurement: one VGG16 forward+backward (to the default settings'
 * deepest layer, at a small size) on each backend this browser offers; the fastest wins. A
 * backend's first pass compiles its shaders or kernels, so each gets one warm-up pass and one timed
 * pass; a backend whose warm-up alone is many times the best timed pass so far is not timed further.
 * The page caches the result per device (localStorage is not available in a worker).
 */
import * as tf from '@tensorflow/tfjs';
import { neededLayers } from '../engine/objective';
import { DEFAULT_SETTINGS } from '../engine/settings';
import { forwardBackwardSum } from '../engine/vgg16';
import { deepestLayer } from '../model/topology';
import { disposeWeights, toTensors, type RawVgg16Weights } from '../model/weights';
import { activeThreads, availableBackends, probeWebgl, trySetBackend } from './backend';
import type { BackendName, Calibration, CalibrationEntry } from './protocol';

/** Bump when what is measured changes, so cached results from older versions are redone. */
export const CALIBRATION_VERSION = 1;
/** Long side of the timed image: small enough for a first visit, large enough to rank backends. */
export const CALIBRATION_SIZE = 64;
/** A backend whose warm-up exceeds this many times the best timed pass is not timed. */
const HOPELESS_FACTOR = 20;

/** What a calibration is valid for: this browser, its cores and its GPU. */
export function deviceKey(): string {
  return [
    navigator.userAgent,
    navigator.hardwareConcurrency,
    probeWebgl().renderer ?? 'no-webgl',
    self.crossOriginIsolated ? 'isolated' : 'not-isolated',
  ].join(' | ');
}

export function calibrationValid(c: Calibration | null | undefined): c is Calibration {
  return !!c && c.version === CALIBRATION_VERSION && c.deviceKey === deviceKey();
}

async function timedPass(raw: RawVgg16Weights, img: tf.Tensor3D): Promise<number> {
  const deepest = deepestLayer(neededLayers(DEFAULT_SETTINGS));
  const weights = toTensors(raw);
  try {
    const t0 = performance.now();
    const s = forwardBackwardSum(weights, img, deepest);
    await s.data();
    s.dispose();
    return performance.now() - t0;
  } finally {
    disposeWeights(weights);
  }
}

/**
 * Measures every available backend and leaves the fastest active. `raw` are the loaded weights
 * (values do not change the speed; their shapes do). `onProgress` reports each backend as it starts.
 */
export async function calibrate(
  raw: RawVgg16Weights,
  onProgress: (backend: BackendName, index: number, count: number) => void,
): Promise<Calibration> {
  const candidates = await availableBackends();
  const entries: CalibrationEntry[] = [];
  let best: CalibrationEntry | null = null;
  for (const [i, backend] of candidates.entries()) {
    onProgress(backend, i, candidates.length);
    if (!(await trySetBackend(backend))) {
      entries.push({ backend, ms: null, warmupMs: null, threads: 1, note: 'did not start' });
      continue;
    }
    const size = CALIBRATION_SIZE;
    const img = tf.tidy(
      () => tf.mul(tf.randomUniform([size, size, 3], 0, 1, 'float32', 7), 255) as tf.Tensor3D,
    );
    try {
      const warmupMs = await timedPass(raw, img);
      if (best?.ms != null && warmupMs > HOPELESS_FACTOR * best.ms) {
        entries.push({
          backend,
          ms: null,
          warmupMs,
          threads: activeThreads(),
          note: `warm-up alone took ${HOPELESS_FACTOR}x the fastest pass`,
        });
        continue;
      }
      const ms = await timedPass(raw, img);
      const entry: CalibrationEntry = { backend, ms, warmupMs, threads: activeThreads() };
      entries.push(entry);
      if (best?.ms == null || ms < best.ms) best = entry;
    } catch (e) {
      entries.push({
        backend,
        ms: null,
        warmupMs: null,
        threads: 1,
        note: e instanceof Error ? e.message : String(e),
      });
    } finally {
      img.dispose();
    }
  }
  const fastest = best?.backend ?? 'wasm';
  await trySetBackend(fastest);
  return {
    version: CALIBRATION_VERSION,
    deviceKey: deviceKey(),
    size: CALIBRATION_SIZE,
    entries,
    fastest,
    measuredAt: new Date().toISOString(),
  };
}
