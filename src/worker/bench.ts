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
import { gramMatrix } from '../engine/costs';
import { DEFAULT_SETTINGS, type StyleSettings } from '../engine/settings';
import {
  forwardBackwardSum,
  getInputGradientMode,
  setInputGradientMode,
  type InputGradientMode,
} from '../engine/vgg16';
import { type ConvLayerName, deepestLayer, layersUpTo } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import type { KernelTable } from './fmaKernels';
import type { StepProfile } from './stepProfile';
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
  /** Input-gradient mode of the measured steps; defaults to the backend's (backend.ts). */
  inputGradient?: InputGradientMode;
  /**
   * Also time, in each round, a full step (no preview) with this mode: 'tfjs' is the old engine's
   * conv gradient. Its first step is a warm-up (GPU shaders compile in it).
   */
  compareWith?: InputGradientMode;
  /** Also time the old Gram (transposeA matMul) against the engine's, at the style layers' shapes. */
  gram?: boolean;
  /** Also time a plain n x n x n matMul (the backend's reachable GFLOP/s); 0 or absent: not. */
  matMulSize?: number;
  /** Also the FMA conv's micro-kernel table at this image size (issue 24; wasm in a worker only). */
  fmaKernelSize?: number;
  /** Also one step (no preview) under tf.profile, split by layer and part (wasm or cpu). */
  profileStep?: boolean;
}

/** Extra figures a request can ask for (see BenchRequest). */
export interface BenchExtras {
  inputGradient?: InputGradientMode;
  compareWith?: InputGradientMode;
  gram?: boolean;
  matMulSize?: number;
  fmaKernelSize?: number;
  profileStep?: boolean;
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
  /** Input-gradient mode of fullMs, fullNoPreviewMs and bareMs. */
  inputGradient: InputGradientMode;
  /** The same step (no preview) with the other mode, one per round (compareWith). */
  compare?: {
    inputGradient: InputGradientMode;
    fullMs: number[];
  };
  /** Gram matrices with their gradients for every style layer, one of each per round (gram). */
  gram?: { oldMs: number[]; newMs: number[] };
  /** Plain matMul (matMulSize). */
  matMul?: MatMulMeasurement;
  /** The FMA conv against tfjs' kernels (fmaKernelSize). */
  fmaKernels?: KernelTable;
  /** Where one step's time went (profileStep). */
  stepProfile?: StepProfile;
}

export interface MatMulMeasurement {
  n: number;
  ms: number[];
  gflops: number;
}

/** Draws the preview; async so that it can read the pixels back without dataSync (WebGPU). */
export type DrawFn = (img: tf.Tensor3D) => Promise<void>;

/**
 * The network's own cost on `img`: forward to `deepest` and the gradient back to the pixels,
 * through the same caffe preprocessing and extractFeatures the engine uses, ended by one readback.
 */
export async function bareForwardBackward(
  weights: Vgg16Weights,
  img: tf.Tensor3D,
  deepest: ReturnType<typeof deepestLayer>,
): Promise<number> {
  const g = forwardBackwardSum(weights, img, deepest);
  const v = (await g.data())[0];
  g.dispose();
  return v;
}

/** Reads one value of `img`: waits for its computation without the cost of a full readback. */
async function readOne(img: tf.Tensor): Promise<void> {
  const one = tf.slice(
    img,
    new Array<number>(img.rank).fill(0),
    new Array<number>(img.rank).fill(1),
  );
  await one.data();
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
  extras: BenchExtras = {},
): Promise<BenchMeasurement> {
  if (!(Number.isInteger(rounds) && rounds >= 1)) {
    throw new Error(`bench: rounds must be an integer >= 1, got ${rounds}`);
  }
  const deepest = deepestLayer(neededLayers(settings));
  const backendMode = getInputGradientMode();
  const mode = extras.inputGradient ?? backendMode;
  const t = performance.now();
  setInputGradientMode(mode);
  const run = new StyleTransferRun(weights, content, style, settings);
  try {
    // Targets are computed in the constructor; on webgl they run when something is read back.
    const start = run.currentImage();
    await readOne(start);
    start.dispose();
    const setupMs = performance.now() - t;

    let lastLoss = NaN;
    const fullStep = async (withPreview: boolean, m = mode): Promise<number> => {
      setInputGradientMode(m);
      const t0 = performance.now();
      const r = await run.step();
      if (withPreview && draw) await draw(r.image);
      else await readOne(r.image);
      const ms = performance.now() - t0;
      lastLoss = r.losses.total;
      r.image.dispose();
      setInputGradientMode(mode);
      return ms;
    };
    const barePass = async (): Promise<number> => {
      const img = run.currentImage();
      const t0 = performance.now();
      await bareForwardBackward(weights, img, deepest);
      const ms = performance.now() - t0;
      img.dispose();
      return ms;
    };

    let warmupMs = NaN;
    const profile = await profileWithoutSyncs(async () => {
      warmupMs = await fullStep(draw !== undefined);
    });
    // No separate bare warm-up: its kernels are a subset of the full step's (plus a sum and its
    // gradient, tiny), and on SwiftShader one more pass costs as much as a round's third.
    const other = extras.compareWith;
    const compare = other ? { inputGradient: other, fullMs: [] as number[] } : undefined;
    if (other) await fullStep(false, other);
    const gramShapes = extras.gram
      ? styleActivationShapes(settings, content.shape[0], content.shape[1])
      : [];
    const gram = extras.gram ? { oldMs: [] as number[], newMs: [] as number[] } : undefined;
    if (gram) {
      await gramPass(gramShapes, oldGramMatrix);
      await gramPass(gramShapes, gramMatrix);
    }

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
      bareMs.push(await barePass());
      if (compare && other) {
        compare.fullMs.push(await fullStep(false, other));
      }
      if (gram) {
        gram.oldMs.push(await gramPass(gramShapes, oldGramMatrix));
        gram.newMs.push(await gramPass(gramShapes, gramMatrix));
      }
    }
    const memoryAfter = snapshot();
    // After the rounds and their memory figures: the profiled step is not one of the timed ones.
    const stepProfile = extras.profileStep
      ? await (
          await import('./stepProfile')
        ).profileStep(() => fullStep(false), mode, content.shape[0], content.shape[1], deepest)
      : undefined;
    const matMul = extras.matMulSize ? await measureMatMul(extras.matMulSize) : undefined;
    // Loaded only when asked: ./fmaBench fetches the kernels by URL, as only a worker can.
    const fmaKernels = extras.fmaKernelSize
      ? await (await import('./fmaBench')).workerKernelTable(extras.fmaKernelSize)
      : undefined;
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
      memoryAfter,
      peakBytes: profile.peakBytes,
      warmupNewTensors: profile.newTensors,
      lastLoss,
      inputGradient: mode,
      compare,
      gram,
      matMul,
      fmaKernels,
      stepProfile,
    };
  } finally {
    run.dispose();
    setInputGradientMode(backendMode);
  }
}

/** [height, width, channels] of each style layer's activation at an h x w image. */
export function styleActivationShapes(
  s: StyleSettings,
  h: number,
  w: number,
): [number, number, number][] {
  const wanted = new Set<ConvLayerName>(s.styleLayers.map((l) => l.name));
  const out: [number, number, number][] = [];
  for (const l of layersUpTo(deepestLayer([...wanted]))) {
    if (l.kind === 'pool') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    } else if (wanted.has(l.name)) {
      out.push([h, w, l.outChannels]);
    }
  }
  return out;
}

/**
 * The Gram the engine used before issue #9, kept here only to measure against: X^T X through
 * matMul's transposeA flag (10-70x slower than a plain matMul on wasm), gradient X (dG + dG^T).
 */
const oldGramOfColumns = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor2D;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.matMul(x, x, true, false),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.matMul(saved[0] as tf.Tensor2D, tf.add(dy, tf.transpose(dy)) as tf.Tensor2D),
  };
}) as (x: tf.Tensor2D) => tf.Tensor2D;

function oldGramMatrix(a: tf.Tensor): tf.Tensor2D {
  const [h, w, c] = a.shape.slice(-3);
  return oldGramOfColumns(tf.reshape(a, [h * w, c]));
}

/**
 * ms for the Gram of a random activation of each shape and its gradient (of sum(G^2)), ended by one
 * readback: what the style cost adds to a step, with one Gram implementation or the other.
 */
async function gramPass(
  shapes: [number, number, number][],
  gram: (a: tf.Tensor) => tf.Tensor2D,
): Promise<number> {
  const xs = shapes.map((shape) => tf.randomUniform(shape, 0, 1, 'float32', 7));
  await Promise.all(xs.map((x) => readOne(x)));
  const t0 = performance.now();
  const total = tf.tidy(() =>
    xs.reduce<tf.Scalar>(
      (acc, x) => tf.add(acc, tf.sum(tf.grad((v: tf.Tensor) => tf.sum(tf.square(gram(v))))(x))),
      tf.scalar(0),
    ),
  );
  await total.data();
  const ms = performance.now() - t0;
  total.dispose();
  tf.dispose(xs);
  return ms;
}

/**
 * A plain n x n x n matMul, warmed up once then timed five times, one value read back each; GFLOP/s
 * of the fastest, as the backend's reachable peak (other load on the machine only slows it).
 */
export async function measureMatMul(n: number): Promise<MatMulMeasurement> {
  const a = tf.randomUniform([n, n], 0, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], 0, 1, 'float32', 2);
  const once = async () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await readOne(c);
    c.dispose();
    return performance.now() - t0;
  };
  try {
    await once();
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) ms.push(await once());
    return { n, ms, gflops: (2 * n ** 3) / Math.min(...ms) / 1e6 };
  } finally {
    tf.dispose([a, b]);
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
      {
        inputGradient: req.inputGradient,
        compareWith: req.compareWith,
        gram: req.gram,
        matMulSize: req.matMulSize,
        fmaKernelSize: req.fmaKernelSize,
        profileStep: req.profileStep,
      },
    );
  } finally {
    content.dispose();
    style.dispose();
  }
}
