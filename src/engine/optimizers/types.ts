/**
 * What an optimiser of the pixels sees: a point (a tensor of pixel values in a box) and an
 * objective that, at a point, gives the loss, its gradient and a small report vector (the loss
 * breakdown) to be read back to the CPU together with the optimiser's own scalars in ONE readback.
 */
import type * as tf from '@tensorflow/tfjs';

export interface Evaluation {
  /** The scalar being minimised. */
  loss: tf.Scalar;
  /** d loss / d x, shaped like x. */
  grad: tf.Tensor;
  /** Numbers the caller wants to see (report[0] must be the loss itself). */
  report: tf.Tensor1D;
}

/** Evaluates at x; the caller of the objective owns (and disposes) the three tensors. */
export type Objective = (x: tf.Tensor) => Evaluation;

export interface StepOutcome {
  /** The new point (caller owns it), or null when the step was rejected and x stays. */
  next: tf.Tensor | null;
  /** The report read back for the point the outcome describes (see each optimiser). */
  report: Float32Array;
  /** How many times the objective was evaluated (forward + backward passes) in this step. */
  evaluations: number;
}

/**
 * An optimiser's state as plain CPU arrays: survives the loss of every tensor (a lost WebGL
 * context, a rebuilt backend), so a resumed run continues the same trajectory.
 */
export type OptimizerState =
  | { kind: 'adam'; t: number; m: Float32Array | null; v: Float32Array | null }
  | {
      kind: 'lbfgs';
      gamma: number;
      /** Curvature pairs, oldest first. */
      pairs: { s: Float32Array; y: Float32Array; rho: number }[];
    };

export interface PixelOptimizer {
  /**
   * One iteration from x (not consumed) on `objective`, keeping the result within [lo, hi].
   * Non-finite losses or gradients never reach the returned point: the step is rejected instead.
   * Async because its readbacks are: WebGPU has no synchronous read of GPU tensors, and on WebGL
   * an async read does not stall the page's GPU process (on wasm and cpu it resolves at once).
   */
  step(x: tf.Tensor, objective: Objective): Promise<StepOutcome>;
  /** Forgets all state (moments, curvature history, cached evaluations). */
  reset(): void;
  /** The objective's weights or layers changed: drop whatever state assumed the old one. */
  objectiveChanged(): void;
  /**
   * A CPU copy of the state (reads back only what changed since the last copy where it can).
   * Async: WebGPU has no synchronous read, and an async one does not stall a GPU pipeline. It
   * reads the optimiser's own tensors: do not step until it resolves.
   */
  saveState(): Promise<OptimizerState>;
  /** Replaces the state with a saved one for points shaped `shape` (throws on another kind). */
  loadState(state: OptimizerState, shape: readonly number[]): void;
  /** Step size, read at every step, so a change applies at the next one. */
  learningRate: number;
  dispose(): void;
}

export interface Box {
  lo: number;
  hi: number;
}

export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
