/**
 * Part A of the benchmark, in this Node process: the engine on tfjs' cpu and wasm backends.
 * Speed (full iteration vs bare VGG16 forward+backward, leak check) uses the same measuring core as
 * the browser worker (src/worker/bench.ts); convergence runs Adam and L-BFGS on one fixed problem.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { StyleTransferRun } from '../../src/engine/run';
import { DEFAULT_SETTINGS, type OptimizerName } from '../../src/engine/settings';
import { disposeWeights, toTensors, type RawVgg16Weights } from '../../src/model/weights';
import { measureIterations, type BenchExtras, type BenchMeasurement } from '../../src/worker/bench';
import { problemImages } from './inputs';
import { firstWithin, lowest } from './stats';

export type NodeBackend = 'cpu' | 'wasm';

export async function useBackend(name: NodeBackend): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the tfjs ${name} backend did not start`);
  await tf.ready();
}

export interface NodeSpeedResult {
  backend: NodeBackend;
  size: number;
  /** Set when the size was not measured, saying why. */
  skipped?: string;
  measurement?: BenchMeasurement;
  /** When the measurement threw (e.g. a kernel missing on this backend). */
  error?: string;
}

export async function nodeSpeed(
  raw: RawVgg16Weights,
  backend: NodeBackend,
  size: number,
  rounds: number,
  extras: BenchExtras = {},
): Promise<NodeSpeedResult> {
  await useBackend(backend);
  const weights = toTensors(raw);
  const { content, style } = problemImages(size);
  try {
    const measurement = await measureIterations(
      weights,
      content,
      style,
      rounds,
      DEFAULT_SETTINGS,
      undefined,
      Infinity,
      extras,
    );
    return { backend, size, measurement };
  } catch (e) {
    return { backend, size, error: e instanceof Error ? e.message : String(e) };
  } finally {
    tf.dispose([content, style]);
    disposeWeights(weights);
  }
}

export interface OptimizerTrace {
  optimizer: OptimizerName;
  /** J after each iteration (Adam: at the point its gradient was taken; L-BFGS: the accepted point). */
  losses: number[];
  /** Seconds from the first step's start to the end of each iteration (targets excluded). */
  seconds: number[];
  evaluations: number[];
  setupMs: number;
}

export interface ConvergenceResult {
  backend: NodeBackend;
  size: number;
  iterations: number;
  tolerance: number;
  imageSource: string;
  best: number;
  traces: OptimizerTrace[];
  /** Per optimiser: iterations and seconds to reach (1 + tolerance) * best, null when never. */
  reached: {
    optimizer: OptimizerName;
    iterations: number | null;
    seconds: number | null;
    evaluations: number | null;
    finalLoss: number;
  }[];
}

async function trace(
  raw: RawVgg16Weights,
  optimizer: OptimizerName,
  size: number,
  iterations: number,
  onProgress: (line: string) => void,
): Promise<{ trace: OptimizerTrace; source: string }> {
  const weights = toTensors(raw);
  const { content, style, source } = problemImages(size);
  const t0 = performance.now();
  const run = new StyleTransferRun(weights, content, style, { ...DEFAULT_SETTINGS, optimizer });
  const setupMs = performance.now() - t0;
  const out: OptimizerTrace = { optimizer, losses: [], seconds: [], evaluations: [], setupMs };
  try {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      const r = await run.step();
      r.image.dispose();
      out.losses.push(r.losses.total);
      out.seconds.push((performance.now() - start) / 1000);
      out.evaluations.push(r.evaluations);
      if ((i + 1) % 25 === 0 || i + 1 === iterations) {
        onProgress(
          `  ${optimizer} ${i + 1}/${iterations}: J ${r.losses.total.toExponential(4)} ` +
            `(${out.seconds[i].toFixed(0)} s)`,
        );
      }
    }
  } finally {
    run.dispose();
    tf.dispose([content, style]);
    disposeWeights(weights);
  }
  return { trace: out, source };
}

export async function convergence(
  raw: RawVgg16Weights,
  backend: NodeBackend,
  size: number,
  iterations: number,
  tolerance: number,
  onProgress: (line: string) => void,
): Promise<ConvergenceResult> {
  await useBackend(backend);
  const adam = await trace(raw, 'adam', size, iterations, onProgress);
  const lbfgs = await trace(raw, 'lbfgs', size, iterations, onProgress);
  const traces = [adam.trace, lbfgs.trace];
  const best = lowest(...traces.map((t) => t.losses));
  return {
    backend,
    size,
    iterations,
    tolerance,
    imageSource: adam.source,
    best,
    traces,
    reached: traces.map((t) => {
      const n = firstWithin(t.losses, best, tolerance);
      return {
        optimizer: t.optimizer,
        iterations: n,
        seconds: n === null ? null : t.seconds[n - 1],
        evaluations: n === null ? null : t.evaluations.slice(0, n).reduce((a, b) => a + b, 0),
        finalLoss: t.losses[t.losses.length - 1],
      };
    }),
  };
}
