/**
 * The conv input gradient computed as a forward conv with the flipped kernel (what the app ships
 * on wasm, webgl and cpu) against tfjs' own Conv2DBackpropInput, through pools and ReLUs, at two
 * sizes (one not square, one with odd pooled sizes), with non-zero biases so that ReLUs cut.
 * On cpu and on wasm here; on webgl in e2e/inputGradient.spec.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import { compareInputGradients, gradientCheckWeights, inputGradient } from './inputGradientCheck';
import { getInputGradientMode } from './vgg16';

describe.each(['cpu', 'wasm'])('conv input gradient as a forward conv on %s', (backend) => {
  let weights: Vgg16Weights;
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    weights = gradientCheckWeights();
  });
  afterAll(() => disposeWeights(weights));

  it.each([
    [16, 16],
    [20, 28],
  ])('equals tfjs Conv2DBackpropInput at %ix%i within 1e-5 relative', (h, w) => {
    expect(getInputGradientMode()).toBe('forward-conv');
    const before = tf.memory().numTensors;
    const { relative, maxAbs } = compareInputGradients(weights, h, w);
    expect(tf.memory().numTensors).toBe(before);
    expect(getInputGradientMode()).toBe('forward-conv');
    expect(maxAbs).toBeGreaterThan(0);
    expect(relative).toBeLessThan(1e-5);
  });

  it('runs no Conv2DBackpropInput kernel in forward-conv mode (and tfjs mode does)', async () => {
    const kernelsOf = async (mode: 'forward-conv' | 'tfjs') =>
      (await tf.profile(() => void inputGradient(weights, mode, 8, 8))).kernelNames;
    expect(await kernelsOf('forward-conv')).not.toContain('Conv2DBackpropInput');
    expect(await kernelsOf('tfjs')).toContain('Conv2DBackpropInput');
  });
});
