import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentCost,
  gramMatrix,
  layerStyleCost,
  layerStyleCostFromGram,
  styleCost,
  styleCostFromGrams,
  totalCost,
  totalVariation,
} from './costs';
import { seededArray } from './testing';

// Plain float64 loops over NHWC data [nH, nW, nC] (batch 1), straight from SPEC.md.
type Arr = ArrayLike<number>;
const idx = (i: number, j: number, k: number, nW: number, nC: number) => (i * nW + j) * nC + k;

function contentLoop(c: Arr, g: Arr, nH: number, nW: number, nC: number): number {
  let s = 0;
  for (let n = 0; n < nH * nW * nC; n++) s += (c[n] - g[n]) ** 2;
  return s / (4 * nH * nW * nC);
}

function gramLoop(a: Arr, nH: number, nW: number, nC: number): number[][] {
  const G = Array.from({ length: nC }, () => new Array<number>(nC).fill(0));
  for (let k = 0; k < nC; k++)
    for (let k2 = 0; k2 < nC; k2++)
      for (let i = 0; i < nH; i++)
        for (let j = 0; j < nW; j++) G[k][k2] += a[idx(i, j, k, nW, nC)] * a[idx(i, j, k2, nW, nC)];
  return G;
}

function layerStyleLoop(s: Arr, g: Arr, nH: number, nW: number, nC: number): number {
  const GS = gramLoop(s, nH, nW, nC);
  const GG = gramLoop(g, nH, nW, nC);
  let sum = 0;
  for (let k = 0; k < nC; k++) for (let k2 = 0; k2 < nC; k2++) sum += (GS[k][k2] - GG[k][k2]) ** 2;
  return sum / (2 * nH * nW * nC) ** 2;
}

function tvLoop(x: Arr, H: number, W: number, C: number): number {
  let s = 0;
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++)
      for (let c = 0; c < C; c++) {
        if (i + 1 < H) s += (x[idx(i + 1, j, c, W, C)] - x[idx(i, j, c, W, C)]) ** 2;
        if (j + 1 < W) s += (x[idx(i, j + 1, c, W, C)] - x[idx(i, j, c, W, C)]) ** 2;
      }
  return s / (H * W * C);
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const read = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('cost functions equal plain float64 loops (SPEC.md)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const [nH, nW, nC] = [5, 7, 6];
  const n = nH * nW * nC;
  // Post-ReLU-like (non-negative) activations, independent so nothing cancels.
  const a1 = seededArray(n, 11, 0, 3);
  const a2 = seededArray(n, 12, 0, 3);
  const a3 = seededArray(n, 13, 0, 3);
  const a4 = seededArray(n / 2, 14, 0, 3); // a second layer with half the channels
  const a5 = seededArray(n / 2, 15, 0, 3);
  const t4 = (a: Float32Array, c = nC) => tf.tensor4d(a, [1, nH, nW, c]);

  it('contentCost', () => {
    const v = read(contentCost(t4(a1), t4(a2)));
    expect(rel(v, contentLoop(a1, a2, nH, nW, nC))).toBeLessThan(1e-5);
  });

  it('gramMatrix is A A^T, [nC, nC]', () => {
    const g = gramMatrix(t4(a1));
    expect(g.shape).toEqual([nC, nC]);
    const got = g.arraySync();
    g.dispose();
    const want = gramLoop(a1, nH, nW, nC);
    for (let k = 0; k < nC; k++)
      for (let k2 = 0; k2 < nC; k2++) expect(rel(got[k][k2], want[k][k2])).toBeLessThan(1e-5);
  });

  it('layerStyleCost and its precomputed-Gram variant', () => {
    const want = layerStyleLoop(a1, a2, nH, nW, nC);
    expect(rel(read(layerStyleCost(t4(a1), t4(a2))), want)).toBeLessThan(1e-5);
    const gs = gramMatrix(t4(a1));
    expect(rel(read(layerStyleCostFromGram(gs, t4(a2))), want)).toBeLessThan(1e-5);
    gs.dispose();
  });

  it('styleCost weights the layers by lambda', () => {
    const layers = [
      { name: 'block1_conv1' as const, weight: 0.3 },
      { name: 'block2_conv1' as const, weight: 1.7 },
    ];
    const want =
      0.3 * layerStyleLoop(a1, a3, nH, nW, nC) + 1.7 * layerStyleLoop(a4, a5, nH, nW, nC / 2);
    const S = { block1_conv1: t4(a1), block2_conv1: t4(a4, nC / 2) };
    const G = { block1_conv1: t4(a3), block2_conv1: t4(a5, nC / 2) };
    expect(rel(read(styleCost(S, G, layers)), want)).toBeLessThan(1e-5);
    const grams = {
      block1_conv1: gramMatrix(S.block1_conv1),
      block2_conv1: gramMatrix(S.block2_conv1),
    };
    expect(rel(read(styleCostFromGrams(grams, G, layers)), want)).toBeLessThan(1e-5);
  });

  it('totalVariation: sum of squared neighbour differences / (H W C)', () => {
    const img = seededArray(9 * 8 * 3, 21, 0, 255);
    const v = read(totalVariation(tf.tensor3d(img, [9, 8, 3])));
    expect(rel(v, tvLoop(img, 9, 8, 3))).toBeLessThan(1e-5);
    // Same with a batch dim.
    expect(
      rel(read(totalVariation(tf.tensor4d(img, [1, 9, 8, 3]))), tvLoop(img, 9, 8, 3)),
    ).toBeLessThan(1e-5);
  });

  it('totalCost = alpha Jc + beta Js + tv TV', () => {
    const w = { alpha: 10, beta: 40, tvWeight: 0.003 };
    const [jc, js, tv] = [1.25, 3.5e4, 812.5];
    const v = read(totalCost(tf.scalar(jc), tf.scalar(js), tf.scalar(tv), w));
    expect(rel(v, 10 * jc + 40 * js + 0.003 * tv)).toBeLessThan(1e-6);
  });

  it('rejects mismatched shapes clearly', () => {
    expect(() => contentCost(t4(a1), t4(a4, nC / 2))).toThrow(/shapes differ/);
    const g = gramMatrix(t4(a4, nC / 2));
    expect(() => layerStyleCostFromGram(g, t4(a1))).toThrow(/channels/);
    g.dispose();
  });
});

describe('gramMatrix gradient', () => {
  it('matches autodiff of A^T A for a non-symmetric upstream gradient', () => {
    const [nH, nW, nC] = [3, 4, 5];
    const a = tf.tensor4d(seededArray(nH * nW * nC, 21), [1, nH, nW, nC]);
    // A non-symmetric weighting makes dL/dG non-symmetric: dG + dG^T is then really needed.
    const w = tf.tensor2d(seededArray(nC * nC, 22), [nC, nC]);
    const ours = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gramMatrix(x), w)))(a);
    const reference = tf.grad((x: tf.Tensor) => {
      const m = tf.reshape(x, [nH * nW, nC]) as tf.Tensor2D;
      return tf.sum(tf.mul(tf.matMul(m, m, true, false), w));
    })(a);
    const diff = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0];
    const scale = tf.max(tf.abs(reference)).dataSync()[0];
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(1e-5 * scale);
    tf.dispose([a, w, ours, reference]);
  });
});
