import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONV_LAYER_NAMES } from '../model/topology';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import {
  gradientProbe,
  randomWeights,
  randomWeightsWithBiases,
  relL2,
  seededArray,
} from './testing';
import { extractFeatures, setInputGradientMode } from './vgg16';

describe('VGG16 forward pass', () => {
  let weights: Vgg16Weights;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block2_conv2'); // deeper layers deliberately absent
  });
  afterAll(() => disposeWeights(weights));

  it('block1_conv1 is a 3x3 same-padded conv + bias + ReLU (plain loop)', () => {
    const [H, W] = [5, 6];
    const x = seededArray(H * W * 3, 7, -100, 100);
    // A non-zero bias so the test sees it (the random weights have zero biases).
    const bias = seededArray(64, 8, -20, 20);
    const kernel = weights.block1_conv1!.kernel;
    const w = { ...weights, block1_conv1: { ...weights.block1_conv1!, bias: tf.tensor1d(bias) } };
    const out = extractFeatures(w, tf.tensor4d(x, [1, H, W, 3]), ['block1_conv1']).block1_conv1;
    expect(out.shape).toEqual([1, H, W, 64]);
    const got = out.dataSync();
    const k = kernel.dataSync(); // [3, 3, in, out]
    let maxErr = 0;
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let o = 0; o < 64; o++) {
          let s = bias[o];
          for (let di = -1; di <= 1; di++)
            for (let dj = -1; dj <= 1; dj++) {
              const ii = i + di;
              const jj = j + dj;
              if (ii < 0 || jj < 0 || ii >= H || jj >= W) continue; // zero padding
              for (let c = 0; c < 3; c++)
                s += x[(ii * W + jj) * 3 + c] * k[(((di + 1) * 3 + (dj + 1)) * 3 + c) * 64 + o];
            }
          maxErr = Math.max(maxErr, Math.abs(Math.max(0, s) - got[(i * W + j) * 64 + o]));
        }
    expect(maxErr).toBeLessThan(1e-3);
    tf.dispose([out, w.block1_conv1.bias]);
  });

  it('returns every requested layer, pools between blocks, stops at the deepest', () => {
    const input = tf.tensor4d(seededArray(16 * 16 * 3, 9, -100, 100), [1, 16, 16, 3]);
    const before = tf.memory().numTensors;
    const acts = extractFeatures(weights, input, ['block2_conv1', 'block1_conv1']);
    expect(Object.keys(acts).sort()).toEqual(['block1_conv1', 'block2_conv1']);
    expect(acts.block1_conv1.shape).toEqual([1, 16, 16, 64]);
    expect(acts.block2_conv1.shape).toEqual([1, 8, 8, 128]);
    // Only the two results survive: intermediates are freed.
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Math.min(...acts.block2_conv1.dataSync())).toBeGreaterThanOrEqual(0); // post-ReLU
    tf.dispose([input, acts.block1_conv1, acts.block2_conv1]);
  });

  it('needs only the weights up to the deepest requested layer, and says which are missing', () => {
    const input = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(weights.block3_conv1).toBeUndefined();
    const ok = extractFeatures(weights, input, ['block2_conv2']);
    expect(ok.block2_conv2.shape).toEqual([1, 4, 4, 128]);
    expect(() => extractFeatures(weights, input, ['block3_conv1'])).toThrow(
      /missing block3_conv1: a forward pass to block3_conv1/,
    );
    const partial = { block1_conv1: weights.block1_conv1 };
    expect(() => extractFeatures(partial, input, ['block2_conv1'])).toThrow(
      /block1_conv2, block2_conv1/,
    );
    expect(() =>
      extractFeatures(weights, tf.zeros([8, 8, 3]) as unknown as tf.Tensor4D, ['block1_conv1']),
    ).toThrow(/expected input \[1, H, W, 3\]/);
    expect(CONV_LAYER_NAMES.length).toBe(13);
    tf.dispose([input, ok.block2_conv2]);
  });
});

/**
 * The fused forward (one FusedConv2D kernel under the tape) against tfjs' split Conv2D + Add +
 * Relu, on cpu and wasm: activations and input gradient to float32 rounding at two sizes.
 */
describe.each(['cpu', 'wasm'])('fused forward under a tape (%s)', (backend) => {
  let weights: Vgg16Weights;
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(backend);
    weights = randomWeightsWithBiases('block2_conv2', 5, 200);
  });
  afterAll(async () => {
    setInputGradientMode('forward-conv');
    disposeWeights(weights);
    await tf.setBackend('cpu');
  });

  const layers = ['block1_conv2', 'block2_conv2'] as const;
  const pass = (mode: 'forward-conv' | 'forward-conv-unfused', h: number, w: number) =>
    gradientProbe(weights, layers, mode, h, w);

  it.each([
    [12, 12],
    [18, 26],
  ])('equals the split kernels at %ix%i (relative L2 < 1e-5)', (h, w) => {
    const before = tf.memory().numTensors;
    const fused = pass('forward-conv', h, w);
    const split = pass('forward-conv-unfused', h, w);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < layers.length; i++) {
      expect(relL2(fused.acts[i], split.acts[i])).toBeLessThan(1e-5);
    }
    expect(relL2(fused.grad, split.grad)).toBeLessThan(1e-5);
  });

  it('runs FusedConv2D and no separate Add or Relu in the taped forward', async () => {
    const kernelsOf = async (mode: 'forward-conv' | 'forward-conv-unfused') =>
      (await tf.profile(() => void pass(mode, 8, 8))).kernelNames;
    const fused = await kernelsOf('forward-conv');
    expect(fused).toContain('FusedConv2D');
    expect(fused).not.toContain('Relu');
    const split = await kernelsOf('forward-conv-unfused');
    expect(split).toContain('Relu');
    expect(split).not.toContain('FusedConv2D');
  });
});
