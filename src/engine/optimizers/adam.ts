/**
 * Adam (Kingma & Ba) on a tensor of pixels, written out on tensors rather than tf.train.adam so
 * that the learning rate can change between steps, the state can be reset, and the update can be
 * withheld when the loss or gradient is not finite.
 */
import * as tf from '@tensorflow/tfjs';
import { readReport } from './readReport';
import type { Box, Objective, OptimizerState, PixelOptimizer, StepOutcome } from './types';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam implements PixelOptimizer {
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private m: tf.Tensor | null = null;
  private v: tf.Tensor | null = null;
  private t = 0;

  constructor(
    opts: AdamOptions,
    private readonly box: Box,
  ) {
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
  }

  /**
   * Evaluates at x, reads the report (plus sum|grad| as a finiteness check) in one readback, and
   * if everything is finite moves x. The report describes x, the point the gradient was taken at.
   */
  async step(x: tf.Tensor, objective: Objective): Promise<StepOutcome> {
    const ev = objective(x);
    try {
      const { report, finite } = await readReport(ev);
      if (!finite) return { next: null, report, evaluations: 1 };

      const g = ev.grad;
      const { beta1: b1, beta2: b2 } = this;
      const t = this.t + 1;
      const m = tf.tidy(() =>
        this.m ? tf.add(tf.mul(this.m, b1), tf.mul(g, 1 - b1)) : tf.mul(g, 1 - b1),
      );
      const v = tf.tidy(() =>
        this.v
          ? tf.add(tf.mul(this.v, b2), tf.mul(tf.square(g), 1 - b2))
          : tf.mul(tf.square(g), 1 - b2),
      );
      // Bias-corrected step, folded into one scalar: lr * sqrt(1 - b2^t) / (1 - b1^t).
      const stepSize = (this.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      const eps = this.epsilon * Math.sqrt(1 - b2 ** t);
      const next = tf.tidy(() =>
        tf.clipByValue(
          tf.sub(x, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), stepSize)),
          this.box.lo,
          this.box.hi,
        ),
      );
      this.m?.dispose();
      this.v?.dispose();
      this.m = m;
      this.v = v;
      this.t = t;
      return { next, report, evaluations: 1 };
    } finally {
      ev.loss.dispose();
      ev.grad.dispose();
      ev.report.dispose();
    }
  }

  /** Reads m and v themselves: the caller does not step until this resolves (see run.checkpoint). */
  async saveState(): Promise<OptimizerState> {
    const read = async (x: tf.Tensor | null) =>
      x ? new Float32Array((await x.data()) as Float32Array) : null;
    const [t, m, v] = [this.t, this.m, this.v];
    return { kind: 'adam', t, m: await read(m), v: await read(v) };
  }

  loadState(state: OptimizerState, shape: readonly number[]): void {
    if (state.kind !== 'adam') throw new Error(`Adam cannot load ${state.kind} state`);
    this.reset();
    this.m = state.m && tf.tensor(state.m, [...shape]);
    this.v = state.v && tf.tensor(state.v, [...shape]);
    this.t = state.t;
  }

  reset(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = null;
    this.v = null;
    this.t = 0;
  }

  /** Moments are running averages that adapt on their own: keep them (no jolt on slider moves). */
  objectiveChanged(): void {}

  dispose(): void {
    this.reset();
  }
}
