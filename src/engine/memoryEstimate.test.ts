import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import {
  checkOutputSize,
  estimatePeakBytes,
  isOutOfMemoryError,
  measureIterationPeak,
  measureMemoryModel,
  refusalMessage,
  type MemoryModel,
} from './memoryEstimate';
import { randomWeights, SHALLOW_SETTINGS } from './testing';

describe('memory estimate', () => {
  let weights: Vgg16Weights;
  let model: MemoryModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block2_conv2');
    model = await measureMemoryModel(weights, SHALLOW_SETTINGS, [16, 32]);
  });
  afterAll(() => disposeWeights(weights));

  it('predicts the peak of a larger size from two small ones, and leaves no tensor behind', async () => {
    const base = tf.memory().numTensors;
    const measured = await measureIterationPeak(weights, SHALLOW_SETTINGS, 48, 48);
    expect(tf.memory().numTensors).toBe(base);
    // Activations up to block2_conv2: at least 64 channels x 4 bytes per pixel, kept for backprop.
    expect(model.bytesPerPixel).toBeGreaterThan(64 * 4);
    const predicted = estimatePeakBytes(model, 48, 48);
    expect(Math.abs(predicted - measured) / measured).toBeLessThan(0.1);
  });

  it('refuses what will not fit and names the largest long side that does', () => {
    const budget = estimatePeakBytes(model, 300, 400) + 1;
    const limits = { budgetBytes: budget, maxTextureSize: null };
    expect(checkOutputSize(model, 300, 400, limits).fits).toBe(true);
    const v = checkOutputSize(model, 768, 1024, limits);
    expect(v.fits).toBe(false);
    if (v.fits) return;
    expect(v.largestLongSide).toBe(400);
    expect(refusalMessage(768, 1024, v)).toMatch(
      /A 1024×768 output will not fit on this device: it needs about [\d.]+ (GiB|MiB), more than the .* available\. The largest output that fits here is 400 px/,
    );
    // WebGL's texture limit: block1's 64 channels of h x w, packed 4 per texel, in max^2 texels.
    const tex = checkOutputSize(model, 2048, 2048, { budgetBytes: 1e15, maxTextureSize: 4096 });
    expect(tex.fits).toBe(false);
    if (!tex.fits) {
      expect(tex.reason).toMatch(/texture limit \(4096 px\)/);
      expect(tex.largestLongSide).toBe(1024);
    }
  });

  it('recognises out-of-memory errors of each backend', () => {
    expect(isOutOfMemoryError(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemoryError(new Error('Failed to compile fragment shader'))).toBe(false);
    expect(
      isOutOfMemoryError(
        new Error('Aborted(Cannot enlarge memory arrays to size 4294967296 bytes)'),
      ),
    ).toBe(true);
    expect(
      isOutOfMemoryError(
        new Error(
          'Requested texture size [20000x20000] greater than WebGL maximum on this browser / GPU [16384x16384].',
        ),
      ),
    ).toBe(true);
  });
});
