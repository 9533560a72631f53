import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FmaConv } from '../engine/fma/fmaConv';
import { patternImage, randomWeights, SHALLOW_SETTINGS } from '../engine/testing';
import { setExternalConv } from '../engine/vgg16';
import { CONV_LAYERS } from '../model/topology';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import { measureIterations } from './bench';

const ROOT = join(import.meta.dirname, '../..');
// Shallow, so that the weights are quick to make: the FMA conv takes the layers from block2_conv2.
const settings = { ...SHALLOW_SETTINGS, contentLayer: 'block3_conv2' as const };
const deep = new Set(CONV_LAYERS.filter((l) => l.inChannels >= 128).map((l) => l.name));

describe('step profile (bench part G)', () => {
  let weights: Vgg16Weights;
  let conv: FmaConv;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block3_conv2', 3);
    // The plain SIMD build runs in every supported Node (no relaxed-SIMD flag needed).
    const bytes = new Uint8Array(readFileSync(join(ROOT, 'src/engine/fma/conv3x3-simd.wasm')));
    conv = await FmaConv.create(bytes, { layers: deep });
  });
  afterAll(() => {
    setExternalConv(null);
    conv.dispose();
    disposeWeights(weights);
  });

  it('gives every conv layer its forward and gradient, by tfjs or by the FMA conv', async () => {
    setExternalConv(conv);
    const content = patternImage(16, 'content');
    const style = patternImage(16, 'style');
    const m = await measureIterations(weights, content, style, 1, settings, undefined, Infinity, {
      inputGradient: 'fma',
      profileStep: true,
    });
    tf.dispose([content, style]);
    const p = m.stepProfile!;
    expect(p.layers.map((l) => l.layer)).toEqual(CONV_LAYERS.slice(0, 6).map((l) => l.name));
    for (const l of p.layers) {
      expect(l.by).toBe(deep.has(l.layer) ? 'fma' : 'tfjs');
      expect(l.forwardMs).toBeGreaterThan(0);
      expect(l.gradientMs).toBeGreaterThan(0);
    }
    // No conv left over for "other kernels", and every FMA call seen (forward and gradient).
    expect(p.rows.some((r) => /Conv2D/.test(r.part))).toBe(false);
    expect(p.rows.find((r) => r.part.startsWith('pool gradients'))?.calls).toBe(2);
    const copies = p.rows.find((r) => r.part.startsWith('FMA conv: copies'));
    expect(copies?.calls).toBe(2 * p.layers.filter((l) => l.by === 'fma').length);
    const total = [...p.layers.map((l) => l.forwardMs + l.gradientMs), ...p.rows.map((r) => r.ms)];
    expect(total.reduce((a, b) => a + b, 0)).toBeCloseTo(p.wallMs, 6);
  });
});
