/**
 * The optimisers on a problem with a known answer: an ill-conditioned separable quadratic
 * f(x) = 1/2 sum_i a_i (x_i - c_i)^2 in the box [0, 255], whose constrained minimiser is clip(c).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededArray } from '../testing';
import { Adam } from './adam';
import { Lbfgs } from './lbfgs';
import type { Objective, PixelOptimizer } from './types';

const N = 200;
const BOX = { lo: 0, hi: 255 };
const a = seededArray(N, 1, 0.01, 10); // condition number ~1000
const c = seededArray(N, 2, -60, 315); // some of the optimum lies outside the box

function quadratic(): { objective: Objective; aT: tf.Tensor; cT: tf.Tensor } {
  const aT = tf.tensor1d(a);
  const cT = tf.tensor1d(c);
  const objective: Objective = (x) =>
    tf.tidy(() => {
      const d = tf.sub(x, cT);
      const loss = tf.mul(tf.sum(tf.mul(aT, tf.square(d))), 0.5) as tf.Scalar;
      return { loss, grad: tf.mul(aT, d), report: tf.reshape(loss, [1]) as tf.Tensor1D };
    });
  return { objective, aT, cT };
}

async function solve(
  opt: PixelOptimizer,
  steps: number,
): Promise<{ x: Float32Array; losses: number[]; counts: number[] }> {
  const { objective, aT, cT } = quadratic();
  let x: tf.Tensor = tf.fill([N], 127.5);
  const losses: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < steps; i++) {
    const out = await opt.step(x, objective);
    losses.push(out.report[0]);
    if (out.next) {
      x.dispose();
      x = out.next;
    }
    counts.push(tf.memory().numTensors);
  }
  const values = x.dataSync() as Float32Array;
  tf.dispose([x, aT, cT]);
  opt.dispose();
  return { x: values, losses, counts };
}

const maxErr = (x: Float32Array) =>
  Math.max(...Array.from(x, (v, i) => Math.abs(v - Math.min(255, Math.max(0, c[i])))));

describe('optimisers on a box-constrained quadratic', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('L-BFGS reaches the projected minimiser, stays in the box, and frees what it drops', async () => {
    const before = tf.memory().numTensors;
    const { x, losses, counts } = await solve(
      new Lbfgs({ learningRate: 2, historySize: 5 }, BOX),
      60,
    );
    // Measured 0.12 after 60 steps: the stragglers are the flattest coordinates (a_i ~ 0.01), whose
    // remaining error is worth ~1e-4 of f ~ 2e5, below float32 resolution of f.
    expect(maxErr(x)).toBeLessThan(0.5);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x)).toBeLessThanOrEqual(255);
    // Accepted steps never increase f (Armijo), beyond float32 rounding.
    losses.slice(1).forEach((f, i) => expect(f).toBeLessThanOrEqual(losses[i] * (1 + 1e-6)));
    // History of 5 pairs: bounded after it fills.
    expect(Math.max(...counts.slice(10))).toBeLessThanOrEqual(Math.max(...counts.slice(0, 10)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Adam gets there too, more slowly, with a learning rate that can change between steps', async () => {
    const adam = new Adam({ learningRate: 10 }, BOX);
    const { objective, aT, cT } = quadratic();
    let x: tf.Tensor = tf.fill([N], 127.5);
    for (let i = 0; i < 400; i++) {
      if (i === 200) adam.learningRate = 1; // anneal: must take effect at once
      const out = await adam.step(x, objective);
      x.dispose();
      x = out.next!;
    }
    expect(maxErr(x.dataSync() as Float32Array)).toBeLessThan(1);
    tf.dispose([x, aT, cT]);
    adam.dispose();
  });

  it('a first Adam step moves each coordinate by about the learning rate', async () => {
    const adam = new Adam({ learningRate: 3 }, BOX);
    const { objective, aT, cT } = quadratic();
    const x = tf.fill([N], 127.5);
    const out = await adam.step(x, objective);
    const moved = tf.tidy(() => tf.abs(tf.sub(out.next!, x)).dataSync());
    moved.forEach((m, i) => {
      if (c[i] !== 127.5) expect(m).toBeCloseTo(3, 3);
    });
    tf.dispose([x, out.next!, aT, cT]);
    adam.dispose();
  });

  it('a learning-rate change applies at the next step', async () => {
    const { objective, aT, cT } = quadratic();
    const x0 = tf.fill([N], 127.5);
    const moves: number[] = [];
    for (const lr of [3, 0.5]) {
      const adam = new Adam({ learningRate: 3 }, BOX);
      const x1 = (await adam.step(x0, objective)).next!;
      adam.learningRate = lr;
      const x2 = (await adam.step(x1, objective)).next!;
      const move = tf.tidy(() => tf.sum(tf.abs(tf.sub(x2, x1))).dataSync()[0]);
      tf.dispose([x1, x2]);
      adam.dispose();
      moves.push(move);
    }
    // Same state, same gradient: the second update scales with the learning rate alone.
    expect(moves[0] / moves[1]).toBeCloseTo(6, 2);
    tf.dispose([x0, aT, cT]);
  });
});
