/**
 * The benchmark's measuring core: one full iteration of the app (StyleTransferRun.step, and the
 * preview drawn by the same function the live loop uses) against the network's own cost (a bare
 * VGG16 forward+backward to the same deepest layer on the same image), interleaved so that the
 * ratios compare numbers taken side by side. No DOM here: the worker passes its draw function in,
 * and `npm run bench` runs the same code in Node (cpu and wasm backends) without one.
 */
import * as tf from '@tensorflow/tfjs';
import { neededLayers } from '../engine/objective';
import { StyleTransferRun } from '../engine/run';
import { DEFAULT_SETTINGS, type StyleSettings } from '../engine/settings';
import { forwardBackwardSum } from '../engine/vgg16';
import { deepestLayer } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import { pixelsToTensor } from './pixels';

/** What the page asks the worker to measure (images already at the output size, RGBA bytes). */
export interface BenchRequest {
  content: { width: number; height: number; data: ArrayBuffer };
  style: { width: number; height: number; data: ArrayBuffer };
  /** Most measured rounds; each times one full step with preview, one without, one bare pass. */
  rounds: number;
  /** Stop after the round that would bring the timed rounds past this many ms (at least one round). */
  budgetMs?: number;
  /** Defaults to DEFAULT_SETTINGS. */
  settings?: StyleSettings;
}

export interface MemorySnapshot {
  numTensors: number;
  numBytes: number;
}

export interface BenchMeasurement {
  backend: string;
  height: number;
  width: number;
  deepestLayer: string;
  rounds: number;
  /** The first full step (targets are computed before it; shader compilation happens in it). */
  warmupMs: number;
  setupMs: number;
  /** Full iteration with the preview drawn (empty when no draw function was given). */
  fullMs: number[];
  /** Full iteration without drawing (a one-value readback of the image stands in for it). */
  fullNoPreviewMs: number[];
  /** tf.grad of sum(activations of the deepest layer) w.r.t. the image, one value read back. */
  bareMs: number[];
  /** tf.memory() after the warm-up step and after all rounds (the run still alive both times). */
  memoryBefore: MemorySnapshot;
  memoryAfter: MemorySnapshot;
  /** tf.profile of the warm-up step: most bytes held at once, and tensors it left behind. */
  peakBytes: number;
  warmupNewTensors: number;
  /** J after the last step, to show the run really optimised something. */
  lastLoss: number;
}

export type DrawFn = (img: tf.Tensor3D) => void;

/**
 * The network's own cost on `img`: forward to `deepest` and the gradient back to the pixels,
 * through the same caffe preprocessing and extractFeatures the engine uses, ended by one readback.
 */
export function bareForwardBackward(
  weights: Vgg16Weights,
  img: tf.Tensor3D,
  deepest: ReturnType<typeof deepestLayer>,
): number {
  const g = forwardBackwardSum(weights, img, deepest);
  const v = g.dataSync()[0];
  g.dispose();
  return v;
}

/** Reads one value of `img`: waits for its computation without the cost of a full readback. */
function syncOne(img: tf.Tensor3D): void {
  const one = tf.slice(img, [0, 0, 0], [1, 1, 1]);
  one.dataSync();
  one.dispose();
}

/** The measurements described on BenchMeasurement, for tensors on the active backend. */
export async function measureIterations(
  weights: Vgg16Weights,
  content: tf.Tensor3D,
  style: tf.Tensor3D,
  rounds: number,
  settings: StyleSettings = DEFAULT_SETTINGS,
  draw?: DrawFn,
  budgetMs = Infinity,
): Promise<BenchMeasurement> {
  if (!(Number.isInteger(rounds) && rounds >= 1)) {
    throw new Error(`bench: rounds must be an integer >= 1, got ${rounds}`);
  }
  const deepest = deepestLayer(neededLayers(settings));
  const t = performance.now();
  const run = new StyleTransferRun(weights, content, style, settings);
  try {
    // Targets are computed in the constructor; on webgl they run when something is read back.
    const start = run.currentImage();
    syncOne(start);
    start.dispose();
    const setupMs = performance.now() - t;

    let lastLoss = NaN;
    const fullStep = async (withPreview: boolean): Promise<number> => {
      const t0 = performance.now();
      const r = await run.step();
      if (withPreview && draw) draw(r.image);
      else syncOne(r.image);
      const ms = performance.now() - t0;
      lastLoss = r.losses.total;
      r.image.dispose();
      return ms;
    };

    let warmupMs = NaN;
    const profile = await profileWithoutSyncs(async () => {
      warmupMs = await fullStep(draw !== undefined);
    });
    // No separate bare warm-up: its kernels are a subset of the full step's (plus a sum and its
    // gradient, tiny), and on SwiftShader one more pass costs as much as a round's third.

    const memoryBefore = snapshot();
    const fullMs: number[] = [];
    const fullNoPreviewMs: number[] = [];
    const bareMs: number[] = [];
    const roundsStart = performance.now();
    for (let i = 0; i < rounds; i++) {
      const spent = performance.now() - roundsStart;
      if (i > 0 && spent + spent / i > budgetMs) break;
      if (draw) fullMs.push(await fullStep(true));
      fullNoPreviewMs.push(await fullStep(false));
      const img = run.currentImage();
      const t0 = performance.now();
      bareForwardBackward(weights, img, deepest);
      bareMs.push(performance.now() - t0);
      img.dispose();
    }
    return {
      backend: tf.getBackend(),
      height: content.shape[0],
      width: content.shape[1],
      deepestLayer: deepest,
      rounds: bareMs.length,
      warmupMs,
      setupMs,
      fullMs,
      fullNoPreviewMs,
      bareMs,
      memoryBefore,
      memoryAfter: snapshot(),
      peakBytes: profile.peakBytes,
      warmupNewTensors: profile.newTensors,
      lastLoss,
    };
  } finally {
    run.dispose();
  }
}

interface KernelTimer {
  timerAvailable(): boolean;
  time(f: () => void): Promise<unknown>;
}

/**
 * tf.profile for its memory figures only. Without a GPU timer (SwiftShader has none) tfjs' profiler
 * reads back every kernel's output to time it, which would turn the profiled step into hundreds of
 * syncs; the backend's timer is swapped for a no-op while the profile runs.
 */
async function profileWithoutSyncs(
  f: () => Promise<void>,
): Promise<Awaited<ReturnType<typeof tf.profile>>> {
  const backend = tf.backend() as unknown as KernelTimer;
  // Own properties shadow the prototype's methods; deleting them restores the backend as it was.
  Object.assign(backend, {
    timerAvailable: () => true,
    time: (g: () => void) => {
      g();
      return Promise.resolve({ kernelMs: 0 });
    },
  } satisfies KernelTimer);
  try {
    return await tf.profile(f);
  } finally {
    delete (backend as Partial<KernelTimer>).timerAvailable;
    delete (backend as Partial<KernelTimer>).time;
  }
}

function snapshot(): MemorySnapshot {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

/** The worker's handler of a `bench` request: images from the page, weights and draw from the worker. */
export async function runBenchRequest(
  weights: Vgg16Weights,
  req: BenchRequest,
  draw?: DrawFn,
): Promise<BenchMeasurement> {
  const content = pixelsToTensor(req.content);
  const style = pixelsToTensor(req.style);
  try {
    return await measureIterations(
      weights,
      content,
      style,
      req.rounds,
      req.settings,
      draw,
      req.budgetMs,
    );
  } finally {
    content.dispose();
    style.dispose();
  }
}
