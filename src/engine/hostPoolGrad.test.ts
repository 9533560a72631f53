import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { maxPool2x2HostGrad } from './hostPoolGrad';
import { seededArray } from './testing';

describe.each(['cpu', 'wasm'])('max pool gradient over read-back arrays (%s)', (backend) => {
  afterAll(() => tf.setBackend('cpu'));

  it.each([
    [6, 8, 5],
    [7, 9, 3],
  ])("equals tfjs' MaxPoolGrad exactly at %ix%ix%i (odd sizes too)", async (h, w, c) => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(backend);
    // On wasm, positive values of three levels: many windows hold ties, resolved as tfjs-wasm
    // does. tfjs' cpu backend resolves ties the other way: there, values without ties.
    const v = seededArray(h * w * c, 5, 0.5, 3.5).map((a) =>
      backend === 'wasm' ? Math.round(a) : a,
    );
    const before = tf.memory().numTensors;
    const [ours, ref] = tf.tidy(() => {
      const x = tf.tensor4d(v, [1, h, w, c]);
      const wy = tf.tensor4d(seededArray((h >> 1) * (w >> 1) * c, 6), [1, h >> 1, w >> 1, c]);
      const grad = (pool: (t: tf.Tensor4D) => tf.Tensor4D) =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t as tf.Tensor4D), wy)))(x);
      const values = [tf.maxPool(x, 2, 2, 'valid'), maxPool2x2HostGrad(x)];
      expect(values[1].dataSync()).toEqual(values[0].dataSync());
      return [
        grad(maxPool2x2HostGrad).dataSync(),
        grad((t) => tf.maxPool(t, 2, 2, 'valid')).dataSync(),
      ];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(ref);
    expect(ref.some((g) => g !== 0)).toBe(true);
  });
});
