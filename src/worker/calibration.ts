/**
 * Measures each backend this browser offers: one VGG16 forward+backward (to the default
 * settings' deepest layer) at two or more sizes, so the page can fit a fixed part and a part per
 * pixel (src/ui/cost). The CPU backend goes first (about a second) so a first visit can start on it
 * at once; hardware GPU backends next; a software renderer (SwiftShader, llvmpipe) last. Runs in
 * its own worker (./calibrationWorker.ts) with random weights of VGG16's shapes (values do not
 * change the speed), so it never holds up a run. The page caches the result per device.
 */
import * as tf from '@tensorflow/tfjs';
import { neededLayers } from '../engine/objective';
import { DEFAULT_SETTINGS } from '../engine/settings';
import { forwardBackwardSum } from '../engine/vgg16';
import { deepestLayer } from '../model/topology';
import { disposeWeights, toTensors, type RawVgg16Weights } from '../model/weights';
import { activeThreads, ensureWebgpu, probeWebgl, trySetBackend } from './backend';
import type { BackendName, Calibration, CalibrationEntry } from './protocol';

/** Bump when what is measured changes, so cached results from older versions are redone. */
export const CALIBRATION_VERSION = 2;
/** Long sides timed on every backend: two sizes tell the fixed part from the part per pixel. */
export const CALIBRATION_SIZES = [64, 128] as const;
/** A hardware GPU is cheap to time larger, where its per-pixel part shows. */
const GPU_EXTRA_SIZE = 256;
/** A software renderer whose first pass exceeds this many times the fastest pass is not timed. */
const HOPELESS_FACTOR = 20;

export const CALIBRATION_DEEPEST = deepestLayer(neededLayers(DEFAULT_SETTINGS));

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

/** Renderer strings of GPUs emulated on the CPU. */
export function isSoftwareRenderer(description: string | null): boolean {
  return (
    !!description && /swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(description)
  );
}

interface Gpu {
  requestAdapter(): Promise<{
    isFallbackAdapter?: boolean;
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
}

/** WebGPU's adapter is software when it says so (fallback adapter) or names SwiftShader. */
async function webgpuIsSoftware(): Promise<boolean> {
  const gpu = (navigator as unknown as { gpu?: Gpu }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return false;
  const info = adapter.info ?? {};
  return (
    adapter.isFallbackAdapter === true ||
    isSoftwareRenderer(`${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`)
  );
}

export interface Candidate {
  backend: BackendName;
  software: boolean;
}

/** The order of measuring: the CPU (wasm) first, hardware GPUs next, software renderers last. */
export async function measureOrder(): Promise<Candidate[]> {
  const out: Candidate[] = [{ backend: 'wasm', software: false }];
  if (await ensureWebgpu()) out.push({ backend: 'webgpu', software: await webgpuIsSoftware() });
  const webgl = probeWebgl();
  if (webgl.available) out.push({ backend: 'webgl', software: isSoftwareRenderer(webgl.renderer) });
  // Stable: wasm stays first, hardware before software.
  return [
    out[0],
    ...out.slice(1).filter((c) => !c.software),
    ...out.slice(1).filter((c) => c.software),
  ];
}

async function timedPass(raw: RawVgg16Weights, longSide: number): Promise<number> {
  const weights = toTensors(raw);
  const img = tf.tidy(
    () => tf.mul(tf.randomUniform([longSide, longSide, 3], 0, 1, 'float32', 7), 255) as tf.Tensor3D,
  );
  try {
    const t0 = performance.now();
    const s = forwardBackwardSum(weights, img, CALIBRATION_DEEPEST);
    await s.data();
    s.dispose();
    return performance.now() - t0;
  } finally {
    img.dispose();
    disposeWeights(weights);
  }
}

/**
 * Times one backend at each size, after a warm-up pass (a GPU backend compiles its shaders per
 * shape, so it warms up at every size). `fastestMs` is the best pass so far at the smallest size.
 * `beforePass` runs before each pass (the debug hook that slows calibration).
 */
export async function measureBackend(
  raw: RawVgg16Weights,
  c: Candidate,
  fastestMs: number | null,
  beforePass: () => Promise<void> = async () => {},
): Promise<CalibrationEntry> {
  const { backend, software } = c;
  if (!(await trySetBackend(backend))) {
    return { backend, ms: null, warmupMs: null, threads: 1, note: 'did not start', software };
  }
  const gpu = backend === 'webgl' || backend === 'webgpu';
  const sizes: number[] = [...CALIBRATION_SIZES, ...(gpu && !software ? [GPU_EXTRA_SIZE] : [])];
  try {
    await beforePass();
    const warmupMs = await timedPass(raw, sizes[0]);
    const threads = activeThreads();
    if (software && fastestMs != null && warmupMs > HOPELESS_FACTOR * fastestMs) {
      const note = `first pass alone took ${Math.round(warmupMs / fastestMs)}x the fastest pass`;
      return { backend, ms: null, warmupMs, threads, note, software };
    }
    const points: NonNullable<CalibrationEntry['points']> = [];
    for (const [i, longSide] of sizes.entries()) {
      if (gpu && i > 0) {
        await beforePass();
        await timedPass(raw, longSide);
      }
      await beforePass();
      points.push({ longSide, pixels: longSide * longSide, ms: await timedPass(raw, longSide) });
    }
    return { backend, ms: points[0].ms, warmupMs, threads, points, software };
  } catch (e) {
    const note = e instanceof Error ? e.message : String(e);
    return { backend, ms: null, warmupMs: null, threads: 1, note, software };
  }
}

/** A calibration of the entries measured so far (`pending`: the backends still to come). */
export function calibrationOf(entries: CalibrationEntry[], pending: BackendName[]): Calibration {
  const timed = entries.filter((e) => e.ms != null);
  const fastest = timed.reduce<CalibrationEntry | null>(
    (a, e) => (a === null || e.ms! < a.ms! ? e : a),
    null,
  );
  return {
    version: CALIBRATION_VERSION,
    deviceKey: deviceKey(),
    size: CALIBRATION_SIZES[0],
    deepest: CALIBRATION_DEEPEST,
    entries,
    fastest: fastest?.backend ?? 'wasm',
    pending,
    measuredAt: new Date().toISOString(),
  };
}
