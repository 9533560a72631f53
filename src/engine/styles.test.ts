/** Several styles with blend weights, and the style scale (16 px, shallow layers, random VGG16). */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activationDims, gramMatrix } from './costs';
import { resizeToCover, toCaffe } from './preprocess';
import { StyleTransferRun } from './run';
import type { StyleSettings } from './settings';
import { activationSize, StyleTargets, styleSizeFor } from './targets';
import { useCpuInputs } from '../../test/engineFixture';
import { maxAbsDiff, patternImage, rel, SHALLOW_SETTINGS } from './testing';
import { extractFeatures } from './vgg16';

const SIZE = 16;

const inputs = useCpuInputs('block2_conv2', () => ({
  content: patternImage(SIZE, 'content'),
  styleA: patternImage(SIZE, 'style'),
  // Another style: the first one's colours turned and its pattern at another frequency.
  styleB: tf.tidy(() => tf.reverse(patternImage(24, 'style', 20), 2)) as tf.Tensor3D,
}));

const settings = (patch: Partial<StyleSettings> = {}): StyleSettings => ({
  ...SHALLOW_SETTINGS,
  init: 'content',
  ...patch,
});

/** A run on the content with both styles. */
const twoStyleRun = (patch: Partial<StyleSettings>) =>
  new StyleTransferRun(
    inputs.weights,
    inputs.content,
    [inputs.styleA, inputs.styleB],
    settings(patch),
  );

/** Gram [nC, nC] of a layer for an image brought to the content's size, as plain numbers. */
function gramOf(img: tf.Tensor3D, layer: 'block1_conv1' | 'block2_conv1'): Float64Array {
  const g = tf.tidy(() => {
    const fitted = resizeToCover(img, SIZE, SIZE);
    return gramMatrix(extractFeatures(inputs.weights, toCaffe(fitted), [layer])[layer]);
  });
  const out = Float64Array.from(g.dataSync());
  g.dispose();
  return out;
}

describe('several styles with blend weights', () => {
  it('J_style with a blend equals the formula computed by hand', async () => {
    const wA = 3;
    const wB = 1;
    const run = twoStyleRun({ styleBlend: [wA, wB] });
    // init 'content': the generated image is the content.
    const got = await run.evaluate();
    let expected = 0;
    for (const { name, weight } of SHALLOW_SETTINGS.styleLayers) {
      const layer = name as 'block1_conv1' | 'block2_conv1';
      const gA = gramOf(inputs.styleA, layer);
      const gB = gramOf(inputs.styleB, layer);
      const gG = gramOf(inputs.content, layer);
      const [nH, nW, nC] = tf.tidy(() =>
        activationDims(extractFeatures(inputs.weights, toCaffe(inputs.content), [layer])[layer]),
      );
      let sum = 0;
      for (let k = 0; k < gG.length; k++) {
        const target = (wA * gA[k] + wB * gB[k]) / (wA + wB);
        sum += (target - gG[k]) ** 2;
      }
      const jLayer = sum / (2 * nH * nW * nC) ** 2;
      expect(rel(got.styleLayers[layer]!, jLayer)).toBeLessThan(1e-4);
      expected += weight * jLayer;
    }
    expect(rel(got.style, expected)).toBeLessThan(1e-4);
    run.dispose();
  });

  it('a blend of one style with weight 1 equals the single-style run, step for step', async () => {
    const single = new StyleTransferRun(
      inputs.weights,
      inputs.content,
      inputs.styleA,
      settings({ init: 'content+noise' }),
    );
    const blended = twoStyleRun({ init: 'content+noise', styleBlend: [1, 0] });
    for (let i = 0; i < 3; i++) {
      const a = await single.step();
      const b = await blended.step();
      expect(b.losses.total).toBe(a.losses.total);
      expect(maxAbsDiff(a.image, b.image)).toBe(0);
      tf.dispose([a.image, b.image]);
    }
    single.dispose();
    blended.dispose();
  });

  it('a blend weight changed mid-run applies at the next iteration without recomputing any Gram', async () => {
    const run = twoStyleRun({ styleBlend: [1, 1] });
    const stats = run.targetStats;
    expect(stats).toEqual({ contentComputations: 1, gramComputations: 2 * 2 });
    (await run.step()).image.dispose();
    const onlyB = new StyleTransferRun(inputs.weights, inputs.content, inputs.styleB, settings());
    onlyB.setImage(run.currentImage());
    const before = await run.evaluate();
    run.updateSettings({ styleBlend: [0, 1] });
    const after = await run.evaluate();
    // Same image: J_style now is the one against style B alone.
    expect(rel(after.style, (await onlyB.evaluate()).style)).toBeLessThan(1e-5);
    expect(rel(after.style, before.style)).toBeGreaterThan(1e-2);
    const r = await run.step();
    r.image.dispose();
    expect(run.targetStats).toEqual(stats);
    expect(run.settings.styleBlend).toEqual([0, 1]);
    expect(() => run.updateSettings({ styleBlend: [1] })).toThrow(/1 weights for 2 style/);
    expect(() => run.updateSettings({ styleBlend: [1, -1] })).toThrow(/>= 0/);
    onlyB.dispose();
    run.dispose();
  });

  it('frees every tensor of a multi-style run', async () => {
    const base = tf.memory().numTensors;
    const run = twoStyleRun({ styleBlend: [1, 2] });
    (await run.step()).image.dispose();
    const afterOne = tf.memory().numTensors;
    (await run.step()).image.dispose();
    run.updateSettings({ styleBlend: [2, 1] });
    (await run.step()).image.dispose();
    expect(tf.memory().numTensors).toBe(afterOne);
    run.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

describe('style scale', () => {
  it("the style is cover-cropped to scale x the output, its Grams brought to the output's area", async () => {
    const { weights, content, styleB } = inputs;
    const targets = new StyleTargets(weights, tf.clone(content), [tf.clone(styleB)], 2);
    targets.sync('block2_conv2', ['block1_conv1', 'block2_conv1']);
    for (const layer of ['block1_conv1', 'block2_conv1'] as const) {
      const expected = tf.tidy(() => {
        const fitted = resizeToCover(styleB, 32, 32);
        const g = gramMatrix(extractFeatures(weights, toCaffe(fitted), [layer])[layer]);
        const [gh, gw] = activationSize(SIZE, SIZE, layer);
        const [sh, sw] = activationSize(32, 32, layer);
        return tf.mul(g, (gh * gw) / (sh * sw));
      });
      expect(maxAbsDiff(targets.gram(layer), expected)).toBeLessThan(
        1e-3 * tf.tidy(() => expected.max().dataSync()[0]),
      );
      expected.dispose();
    }
    expect(activationSize(16, 12, 'block2_conv1')).toEqual([8, 6]);
    expect(styleSizeFor(64, 40, 0.25)).toEqual([16, 16]); // never below 16 px
    expect(styleSizeFor(64, 40, 1.5)).toEqual([96, 60]);
    expect(activationSize(33, 17, 'block3_conv1')).toEqual([8, 4]);
    targets.dispose();
  });

  it('changing the style scale recomputes only the style targets', async () => {
    const run = twoStyleRun({ styleBlend: [1, 1] });
    const before = await run.evaluate();
    expect(run.targetStats).toEqual({ contentComputations: 1, gramComputations: 4 });
    run.updateSettings({ styleScale: 2 });
    const after = await run.evaluate();
    expect(run.targetStats).toEqual({ contentComputations: 1, gramComputations: 8 });
    expect(after.content).toBe(before.content);
    expect(rel(after.style, before.style)).toBeGreaterThan(1e-3);
    const base = tf.memory().numTensors;
    run.updateSettings({ styleScale: 1 });
    // Back at scale 1: the same targets as at the start.
    expect(rel((await run.evaluate()).style, before.style)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(base);
    run.dispose();
  });
});
