/**
 * L-BFGS on the pixels (tfjs has none): two-loop recursion over the last m (s, y) pairs, then a
 * backtracking Armijo line search along the projected path x(t) = clip(x + t d, lo, hi).
 *
 * Box constraint (projected L-BFGS, kept simple): components of d that would push a pixel already
 * at a bound further out are zeroed, the trial point is clipped, and the Armijo test uses the
 * actual displacement: f(x_t) <= f(x) + c1 g.(x_t - x) (Bertsekas' projected Armijo rule), up to
 * the float32 rounding of f.
 *
 * Syncs: a line search must compare losses on the CPU, so each evaluation of the objective ends in
 * one small readback (its report plus four scalars). A step accepted at t = 1, the usual case
 * once curvature pairs exist, costs one evaluation and one readback; the first step after a reset
 * costs one more (the loss and gradient at the starting point).
 */
import * as tf from '@tensorflow/tfjs';
import { readHolding } from '../heldReads';
import { stableDot } from '../stableSum';
import { readReport } from './readReport';
import {
  allFinite,
  type Box,
  type Objective,
  type OptimizerState,
  type PixelOptimizer,
  type StepOutcome,
} from './types';

export interface LbfgsOptions {
  /**
   * Without curvature pairs (first step, after a reset) the direction is the steepest descent
   * scaled so that the largest pixel change is this many units (0..255 scale).
   */
  learningRate: number;
  /** Curvature pairs kept (m). */
  historySize?: number;
  /** Objective evaluations allowed in one line search. */
  maxEvaluations?: number;
  /** Armijo sufficient-decrease constant. */
  c1?: number;
}

/** About 8 float32 ulps, relative: the rounding noise of a loss summed from float32 terms. */
const FLOAT32_NOISE = 8 * 2 ** -23;

interface Pair {
  s: tf.Tensor;
  y: tf.Tensor;
  rho: number;
}

export class Lbfgs implements PixelOptimizer {
  learningRate: number;
  private readonly m: number;
  private readonly maxEvaluations: number;
  private readonly c1: number;
  private history: Pair[] = [];
  /** sy / yy of the newest pair: the scale of the initial inverse Hessian. */
  private gamma = 1;
  /** Loss, gradient and report at `at`, the point the last step ended on. */
  private at: tf.Tensor | null = null;
  private g: tf.Tensor | null = null;
  private f = NaN;
  private reportAt: Float32Array = new Float32Array(0);
  /** CPU copies of pairs already saved: a pair never changes, so each is read back once. */
  private saved = new WeakMap<Pair, { s: Float32Array; y: Float32Array }>();

  constructor(
    opts: LbfgsOptions,
    private readonly box: Box,
  ) {
    this.learningRate = opts.learningRate;
    this.m = opts.historySize ?? 10;
    this.maxEvaluations = opts.maxEvaluations ?? 10;
    this.c1 = opts.c1 ?? 1e-4;
  }

  /** Curvature pairs currently held (for tests and diagnostics). */
  get historyLength(): number {
    return this.history.length;
  }

  /**
   * One iteration including its line search. The report describes the returned point (the
   * accepted new image), or x itself when the step is rejected (next = null).
   */
  async step(x: tf.Tensor, objective: Objective): Promise<StepOutcome> {
    let evaluations = 0;
    if (this.at !== x || !this.g) {
      // Our cache is for another point (first step, reset, or the caller replaced the image).
      this.clearCache();
      const ev = objective(x);
      evaluations++;
      const { report, finite } = await readReport(ev);
      ev.loss.dispose();
      ev.report.dispose();
      if (!finite) {
        ev.grad.dispose();
        return { next: null, report, evaluations };
      }
      this.g = ev.grad;
      this.f = report[0];
      this.reportAt = report;
      this.at = x;
    }
    const g = this.g;

    let usingHistory = this.history.length > 0;
    let d = this.direction(x, g, usingHistory);
    let t = 1;
    try {
      while (evaluations < this.maxEvaluations) {
        const step = t;
        const xNew = tf.tidy(() =>
          tf.clipByValue(tf.add(x, tf.mul(d, step)), this.box.lo, this.box.hi),
        );
        const ev = objective(xNew);
        evaluations++;
        const packed = tf.tidy(() => {
          const s = tf.sub(xNew, x);
          const y = tf.sub(ev.grad, g);
          // Blocked sums: gdx sets the Armijo bound that fNew is compared with.
          const dot = (a: tf.Tensor, b: tf.Tensor) => stableDot(a, b).reshape([1]);
          return tf.concat([
            ev.report,
            dot(g, s),
            dot(s, y),
            dot(y, y),
            tf.sum(tf.abs(ev.grad)).reshape([1]),
          ]);
        });
        const read = await readHolding(packed, xNew, d, ev.loss, ev.grad, ev.report);
        packed.dispose();
        ev.loss.dispose();
        ev.report.dispose();
        const n = read.length - 4;
        const report = read.slice(0, n);
        const fNew = report[0];
        const [gdx, sy, yy] = [read[n], read[n + 1], read[n + 2]];
        const finite = allFinite(read);

        // Float32 losses carry rounding of a few ulps: near convergence the true decrease drowns in
        // it, and a strict test would then reject every trial (10 evaluations a step, for nothing).
        const roundoff = FLOAT32_NOISE * Math.abs(this.f);
        if (finite && gdx < 0 && fNew <= this.f + this.c1 * gdx + roundoff) {
          this.remember(xNew, x, ev.grad, g, sy, yy);
          this.g.dispose();
          this.g = ev.grad;
          this.f = fNew;
          this.reportAt = report;
          this.at = xNew;
          return { next: xNew, report, evaluations };
        }
        xNew.dispose();
        ev.grad.dispose();
        if (finite && gdx >= 0 && usingHistory) {
          // Not a descent direction (stale curvature near the box): restart from steepest descent.
          this.clearHistory();
          usingHistory = false;
          d.dispose();
          d = this.direction(x, g, false);
          t = 1;
          continue;
        }
        // Minimiser of the quadratic through f, the slope gdx and fNew, kept in [0.1 t, 0.5 t].
        const curvature = fNew - this.f - gdx;
        const u = finite && curvature > 0 ? -gdx / (2 * curvature) : 0.1;
        t *= Math.min(0.5, Math.max(0.1, u));
      }
    } finally {
      d.dispose();
    }
    // No acceptable point: stay at x, drop curvature that led nowhere (the cache at x stays valid).
    this.clearHistory();
    return { next: null, report: this.reportAt, evaluations };
  }

  /** -H g by the two-loop recursion (or scaled steepest descent), not pushing out of the box. */
  private direction(x: tf.Tensor, g: tf.Tensor, useHistory: boolean): tf.Tensor {
    return tf.tidy(() => {
      let d: tf.Tensor;
      if (!useHistory || this.history.length === 0) {
        d = tf.mul(g, tf.div(-this.learningRate, tf.add(tf.max(tf.abs(g)), 1e-30)));
      } else {
        let q: tf.Tensor = g;
        const alphas: tf.Scalar[] = [];
        for (let i = this.history.length - 1; i >= 0; i--) {
          const { s, y, rho } = this.history[i];
          const a = tf.mul(tf.sum(tf.mul(s, q)), rho) as tf.Scalar;
          alphas[i] = a;
          q = tf.sub(q, tf.mul(y, a));
        }
        let r = tf.mul(q, this.gamma);
        for (let i = 0; i < this.history.length; i++) {
          const { s, y, rho } = this.history[i];
          const b = tf.mul(tf.sum(tf.mul(y, r)), rho);
          r = tf.add(r, tf.mul(s, tf.sub(alphas[i], b)));
        }
        d = tf.neg(r);
      }
      const pushesOut = tf.logicalOr(
        tf.logicalAnd(tf.lessEqual(x, this.box.lo), tf.less(d, 0)),
        tf.logicalAnd(tf.greaterEqual(x, this.box.hi), tf.greater(d, 0)),
      );
      return tf.where(pushesOut, tf.zerosLike(d), d);
    });
  }

  /** Stores the pair (s, y) if it has positive curvature, keeping the newest m. */
  private remember(
    xNew: tf.Tensor,
    x: tf.Tensor,
    gNew: tf.Tensor,
    g: tf.Tensor,
    sy: number,
    yy: number,
  ): void {
    if (!(sy > 1e-10 * yy && yy > 0)) return;
    const s = tf.sub(xNew, x);
    const y = tf.sub(gNew, g);
    this.history.push({ s, y, rho: 1 / sy });
    this.gamma = sy / yy;
    if (this.history.length > this.m) {
      const old = this.history.shift()!;
      old.s.dispose();
      old.y.dispose();
    }
  }

  /**
   * The curvature pairs and scale: enough to continue with the same directions. The cached loss
   * and gradient are left out; the first step after loading evaluates them again (same numbers).
   */
  async saveState(): Promise<OptimizerState> {
    const history = [...this.history];
    const gamma = this.gamma;
    const pairs: { s: Float32Array; y: Float32Array; rho: number }[] = [];
    for (const p of history) {
      let cpu = this.saved.get(p);
      if (!cpu) {
        // A pair is only disposed by a later step or a reset, which the caller does not run
        // while this read is pending (the run loop awaits it between steps).
        const [s, y] = await Promise.all([p.s.data(), p.y.data()]);
        cpu = { s: new Float32Array(s as Float32Array), y: new Float32Array(y as Float32Array) };
        this.saved.set(p, cpu);
      }
      pairs.push({ ...cpu, rho: p.rho });
    }
    return { kind: 'lbfgs', gamma, pairs };
  }

  loadState(state: OptimizerState, shape: readonly number[]): void {
    if (state.kind !== 'lbfgs') throw new Error(`L-BFGS cannot load ${state.kind} state`);
    this.reset();
    this.history = state.pairs.map((p) => {
      const pair = { s: tf.tensor(p.s, [...shape]), y: tf.tensor(p.y, [...shape]), rho: p.rho };
      this.saved.set(pair, { s: p.s, y: p.y });
      return pair;
    });
    this.gamma = state.gamma;
  }

  private clearHistory(): void {
    for (const p of this.history) {
      p.s.dispose();
      p.y.dispose();
    }
    this.history = [];
    this.gamma = 1;
  }

  private clearCache(): void {
    this.g?.dispose();
    this.g = null;
    this.at = null;
    this.f = NaN;
    this.reportAt = new Float32Array(0);
  }

  reset(): void {
    this.clearHistory();
    this.clearCache();
  }

  /** The cached loss/gradient and the curvature pairs describe the old objective: drop them. */
  objectiveChanged(): void {
    this.reset();
  }

  dispose(): void {
    this.reset();
  }
}
