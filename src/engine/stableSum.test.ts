/**
 * Reported losses on the wasm backend (the page's usual one) against float64 sums of the same
 * float32 terms. tfjs-wasm's own Sum adds one element at a time in float32, which put a 512x512
 * Gram's cost 7e-5 relative off (issue 23); the costs sum in blocks instead (stableSum.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentCost, gramMatrix, layerStyleCostFromGram, totalVariation } from './costs';
import { stableDot, stableSum } from './stableSum';
import { rel, seededArray } from './testing';

/** sum((a - b)^2) in float64 over the float32 values the backend holds. */
function squaredDistance64(a: tf.Tensor, b: tf.Tensor): number {
  const [x, y] = [a.dataSync(), b.dataSync()];
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
  return s;
}

const scalarOf = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('reported losses are float32-safe on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it("a 512x512 Gram's style cost is within 1e-6 of a float64 sum (tf.sum is not)", () => {
    const shape: [number, number, number, number] = [1, 8, 8, 512];
    const aS = tf.tensor4d(seededArray(8 * 8 * 512, 4, 0, 2), shape);
    const aG = tf.tensor4d(seededArray(8 * 8 * 512, 3, 0, 2), shape);
    const [gS, gG] = [gramMatrix(aS), gramMatrix(aG)];
    const before = tf.memory().numTensors;
    const norm = (2 * 8 * 8 * 512) ** 2;
    const ref = squaredDistance64(gS, gG) / norm;
    const ours = scalarOf(layerStyleCostFromGram(gS, aG));
    expect(tf.memory().numTensors).toBe(before);
    expect(rel(ours, ref)).toBeLessThan(1e-6);
    // The input is hard enough: one float32 accumulator misses by far more than the bound.
    const plain = scalarOf(tf.tidy(() => tf.div(tf.sum(tf.squaredDifference(gS, gG)), norm)));
    expect(rel(plain, ref)).toBeGreaterThan(1e-5);
    tf.dispose([aS, aG, gS, gG]);
  });

  it('the content cost and the total variation at 512 px are within 1e-6 of float64 sums', () => {
    const n = 64 * 64 * 512;
    const aC = tf.tensor4d(seededArray(n, 5, 0, 3), [1, 64, 64, 512]);
    const aG = tf.tensor4d(seededArray(n, 6, 0, 3), [1, 64, 64, 512]);
    const content = scalarOf(contentCost(aC, aG));
    expect(rel(content, squaredDistance64(aC, aG) / (4 * n))).toBeLessThan(1e-6);

    const [H, W] = [512, 384];
    const img = tf.tensor3d(seededArray(H * W * 3, 7, 0, 255), [H, W, 3]);
    const px = img.dataSync();
    let tv = 0;
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < 3; c++) {
          const at = (i * W + j) * 3 + c;
          if (i + 1 < H) tv += (px[at + W * 3] - px[at]) ** 2;
          if (j + 1 < W) tv += (px[at + 3] - px[at]) ** 2;
        }
    expect(rel(scalarOf(totalVariation(img)), tv / (H * W * 3))).toBeLessThan(1e-6);
    tf.dispose([aC, aG, img]);
  });

  it('sums any size exactly where float32 can (padding adds only zeros)', () => {
    for (const n of [1, 255, 256, 257, 65536 + 3]) {
      // Small integers: every partial sum is exact in float32, so the result must be too.
      const values = Array.from({ length: n }, (_, i) => (i % 7) - 2);
      const exact = values.reduce((a, b) => a + b, 0);
      expect(scalarOf(stableSum(tf.tensor1d(values))), `n = ${n}`).toBe(exact);
    }
    expect(scalarOf(stableSum(tf.scalar(2.5)))).toBe(2.5);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(scalarOf(stableDot(a, a))).toBe(30);
    a.dispose();
  });

  it("has tf.sum's gradient and frees every intermediate", () => {
    const x = tf.tensor3d(seededArray(300 * 7 * 3, 8), [300, 7, 3]);
    const before = tf.memory().numTensors;
    const f = (sum: (t: tf.Tensor) => tf.Scalar) =>
      tf.tidy(() =>
        tf
          .grad((t: tf.Tensor) => tf.mul(sum(tf.square(t)), 3))(x)
          .dataSync(),
      );
    expect(Array.from(f(stableSum))).toEqual(Array.from(f((t) => tf.sum(t))));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
