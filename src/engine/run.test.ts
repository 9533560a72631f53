import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { StyleTransferRun, type LossBreakdown } from './run';
import type { StyleSettings } from './settings';
import { patternPair, useCpuInputs } from '../../test/engineFixture';
import { maxAbsDiff, patternImage, rel, SHALLOW_SETTINGS } from './testing';

const SIZE = 16;

const inputs = useCpuInputs('block2_conv2', () => patternPair(SIZE));

function newRun(patch: Partial<StyleSettings> = {}): StyleTransferRun {
  return new StyleTransferRun(inputs.weights, inputs.content, inputs.style, {
    ...SHALLOW_SETTINGS,
    ...patch,
  });
}

/** Steps n times, returning J of the final image and numTensors after every step. */
async function optimise(
  run: StyleTransferRun,
  n: number,
): Promise<{ final: LossBreakdown; counts: number[]; evaluations: number }> {
  const counts: number[] = [];
  let evaluations = 0;
  for (let i = 0; i < n; i++) {
    const r = await run.step();
    r.image.dispose();
    evaluations += r.evaluations;
    counts.push(tf.memory().numTensors);
  }
  return { final: await run.evaluate(), counts, evaluations };
}

describe('optimisation on a fixed problem (16 px, shallow layers, random VGG16)', () => {
  const N = 20;
  let start: LossBreakdown;
  let adam: Awaited<ReturnType<typeof optimise>>;
  let lbfgs: Awaited<ReturnType<typeof optimise>>;
  beforeAll(async () => {
    const a = newRun({ optimizer: 'adam' });
    start = await a.evaluate();
    adam = await optimise(a, N);
    a.dispose();
    const l = newRun({ optimizer: 'lbfgs' });
    expect((await l.evaluate()).total).toBe(start.total); // same seed, same start
    lbfgs = await optimise(l, N);
    l.dispose();
  });

  it(`${N} Adam steps lower J`, async () => {
    expect(adam.final.total).toBeLessThan(0.5 * start.total);
    expect(adam.evaluations).toBe(N);
  });

  it('L-BFGS reaches a lower J than Adam in the same number of iterations', async () => {
    // Measured: Adam ~0.28 x J0, L-BFGS ~0.06 x J0 after 20 iterations (21 evaluations).
    expect(lbfgs.final.total).toBeLessThan(adam.final.total);
    expect(lbfgs.evaluations).toBeLessThanOrEqual(2 * N);
  });

  it('tf.memory().numTensors does not grow across steps', async () => {
    // Adam's moments exist from step 1 on; after that every step frees what it makes.
    expect(adam.counts.slice(1)).toEqual(adam.counts.slice(1).map(() => adam.counts[0]));
    // L-BFGS keeps up to 10 (s, y) pairs: full after step 10, never more after that.
    const full = lbfgs.counts[9];
    expect(Math.max(...lbfgs.counts.slice(10))).toBeLessThanOrEqual(full);
    expect(lbfgs.counts[N - 1]).toBe(full);
  });
});

describe('StyleTransferRun', () => {
  it('same seed -> same init image; different seed -> different', async () => {
    const imgs = [newRun({ seed: 7 }), newRun({ seed: 7 }), newRun({ seed: 8 })].map((r) => {
      const img = r.currentImage();
      r.dispose();
      return img;
    });
    expect(maxAbsDiff(imgs[0], imgs[1])).toBe(0);
    expect(maxAbsDiff(imgs[0], imgs[2])).toBeGreaterThan(10);
    // content + U(-0.2*255, 0.2*255), clipped.
    expect(maxAbsDiff(imgs[0], inputs.content)).toBeLessThanOrEqual(0.2 * 255 + 1e-3);
    expect(maxAbsDiff(imgs[0], inputs.content)).toBeGreaterThan(0.15 * 255);
    tf.dispose(imgs);
  });

  it('init modes: content, style, noise', async () => {
    const fromContent = newRun({ init: 'content' });
    const fromStyle = newRun({ init: 'style' });
    const fromNoise = newRun({ init: 'noise', noiseRatio: 0.5 });
    const [c, s, n] = [fromContent, fromStyle, fromNoise].map((r) => r.currentImage());
    expect(maxAbsDiff(c, inputs.content)).toBe(0);
    expect(maxAbsDiff(s, inputs.style)).toBe(0);
    const [lo, hi, mean] = tf.tidy(() => [n.min(), n.max(), n.mean()].map((t) => t.dataSync()[0]));
    expect(lo).toBeGreaterThanOrEqual(127.5 - 0.5 * 255 - 1e-3);
    expect(hi).toBeLessThanOrEqual(127.5 + 0.5 * 255 + 1e-3);
    expect(Math.abs(mean - 127.5)).toBeLessThan(10);
    expect((await fromContent.evaluate()).content).toBe(0);
    expect((await fromStyle.evaluate()).style).toBe(0);
    tf.dispose([c, s, n]);
    [fromContent, fromStyle, fromNoise].forEach((r) => r.dispose());
  });

  it('computes targets once; alpha/beta/lambda/tv/lr changes apply at once without recomputing them', async () => {
    const run = newRun();
    const computed = { contentComputations: 1, gramComputations: 2 };
    expect(run.targetStats).toEqual(computed);
    (await run.step()).image.dispose();
    const before = await run.evaluate();
    run.updateSettings({ alpha: 100 });
    const after = await run.evaluate();
    // Same image, same targets: the terms are unchanged, only the weighting moves.
    expect(after.content).toBe(before.content);
    expect(after.style).toBe(before.style);
    expect(
      rel(after.total, 100 * before.content + 40 * before.style + 1e-4 * before.tv),
    ).toBeLessThan(1e-5);
    expect(after.total - before.total).toBeGreaterThan(0.5 * 90 * before.content);
    // And the next step's total follows the formula at the new alpha.
    const r = await run.step();
    r.image.dispose();
    const l = r.losses;
    expect(rel(l.total, 100 * l.content + 40 * l.style + 1e-4 * l.tv)).toBeLessThan(1e-5);
    expect(
      rel(l.style, 0.5 * l.styleLayers.block1_conv1! + 0.5 * l.styleLayers.block2_conv1!),
    ).toBeLessThan(1e-5);
    run.updateSettings({
      beta: 1,
      tvWeight: 0.5,
      learningRate: 7,
      styleLayers: [
        { name: 'block1_conv1', weight: 2 },
        { name: 'block2_conv1', weight: 0 },
      ],
    });
    const l2 = (await run.step()).losses;
    expect(rel(l2.style, 2 * l2.styleLayers.block1_conv1!)).toBeLessThan(1e-5);
    expect(rel(l2.total, 100 * l2.content + 1 * l2.style + 0.5 * l2.tv)).toBeLessThan(1e-5);
    expect(run.targetStats).toEqual(computed);
    expect(run.iteration).toBe(3);
    run.dispose();
  });

  it('layer changes compute only what is new: Grams of added layers, the content target of a new layer', async () => {
    const run = newRun();
    const layers = SHALLOW_SETTINGS.styleLayers;
    run.updateSettings({ styleLayers: [...layers, { name: 'block1_conv2', weight: 0.3 }] });
    const r = await run.step();
    r.image.dispose();
    expect(run.targetStats).toEqual({ contentComputations: 1, gramComputations: 3 });
    expect(Object.keys(r.losses.styleLayers).sort()).toEqual([
      'block1_conv1',
      'block1_conv2',
      'block2_conv1',
    ]);
    // Removing drops the Gram; re-adding computes it again; reordering computes nothing.
    run.updateSettings({ styleLayers: [layers[1]] });
    (await run.step()).image.dispose();
    run.updateSettings({ styleLayers: [layers[1], layers[0]] });
    (await run.step()).image.dispose();
    expect(run.targetStats).toEqual({ contentComputations: 1, gramComputations: 4 });
    run.updateSettings({ contentLayer: 'block1_conv2' });
    await run.evaluate();
    expect(run.targetStats).toEqual({ contentComputations: 2, gramComputations: 4 });
    run.dispose();
  });

  it('a step reads back from the backend once per evaluation, and nothing else', async () => {
    const backend = tf.backend();
    const readSync = backend.readSync.bind(backend);
    let reads = 0;
    backend.readSync = (dataId) => {
      reads++;
      return readSync(dataId);
    };
    try {
      for (const optimizer of ['adam', 'lbfgs'] as const) {
        const run = newRun({ optimizer });
        for (let i = 0; i < 3; i++) {
          reads = 0;
          const r = await run.step();
          expect(reads).toBe(r.evaluations);
          r.image.dispose();
        }
        run.dispose();
      }
      // Adam: always exactly one; L-BFGS: one per line-search trial (+1 after a reset).
    } finally {
      backend.readSync = readSync;
    }
  });

  it('switching optimiser keeps the image; setImage replaces it', async () => {
    const run = newRun();
    (await run.step()).image.dispose();
    const before = run.currentImage();
    run.updateSettings({ optimizer: 'lbfgs' });
    const same = run.currentImage();
    expect(maxAbsDiff(before, same)).toBe(0);
    const r = await run.step();
    expect(r.updated).toBe(true);
    expect(r.evaluations).toBeGreaterThanOrEqual(2); // fresh L-BFGS: evaluate at x, then a trial
    run.setImage(inputs.content);
    const replaced = run.currentImage();
    expect(maxAbsDiff(replaced, inputs.content)).toBe(0);
    expect((await run.evaluate()).content).toBe(0);
    expect(() => run.setImage(patternImage(8, 'content'))).toThrow(/8x8, the run is 16x16/);
    tf.dispose([before, same, replaced, r.image]);
    run.dispose();
  });

  it('non-finite losses do not crash: they are reported and the image is left as it was', async () => {
    for (const optimizer of ['adam', 'lbfgs'] as const) {
      const run = newRun({ optimizer });
      const before = run.currentImage();
      run.updateSettings({ beta: 1e38 }); // beta * J_style overflows float32
      const r = await run.step();
      expect(r.updated).toBe(false);
      expect(Number.isFinite(r.losses.total)).toBe(false);
      expect(Number.isFinite(r.losses.content)).toBe(true);
      expect(maxAbsDiff(r.image, before)).toBe(0);
      run.updateSettings({ beta: 40 });
      const ok = await run.step();
      expect(ok.updated).toBe(true);
      expect(Number.isFinite(ok.losses.total)).toBe(true);
      tf.dispose([before, r.image, ok.image]);
      run.dispose();
    }
  });

  it('accepts int32 images (as tf.browser.fromPixels makes) without keeping them', async () => {
    const c32 = tf.cast(inputs.content, 'int32') as tf.Tensor3D;
    const s32 = tf.cast(inputs.style, 'int32') as tf.Tensor3D;
    const run = new StyleTransferRun(inputs.weights, c32, s32, {
      ...SHALLOW_SETTINGS,
      init: 'content',
    });
    tf.dispose([c32, s32]);
    const r = await run.step();
    expect(r.image.dtype).toBe('float32');
    expect(r.updated).toBe(true);
    r.image.dispose();
    run.dispose();
  });

  it('clear errors for mismatched images, missing weights and bad settings', async () => {
    const { weights, content, style } = inputs;
    const small = patternImage(8, 'style');
    expect(() => new StyleTransferRun(weights, content, [style, small], SHALLOW_SETTINGS)).toThrow(
      /styleBlend has 1 weights for 2 style image/,
    );
    expect(() => new StyleTransferRun(weights, content, [], SHALLOW_SETTINGS)).toThrow(
      /1 to 4 style images/,
    );
    expect(() => newRun({ styleScale: 3 })).toThrow(/styleScale must be within 0.25..2/);
    expect(() => newRun({ contentLayer: 'block3_conv1' })).toThrow(/missing block3_conv1/);
    expect(() => newRun({ alpha: -1 })).toThrow(/alpha must be/);
    const run = newRun();
    expect(() =>
      run.updateSettings({ styleLayers: [{ name: 'block4_conv1', weight: 1 }] }),
    ).toThrow(/missing/);
    expect(run.settings.styleLayers).toEqual(SHALLOW_SETTINGS.styleLayers); // unchanged after a refusal
    run.dispose();
    await expect(run.step()).rejects.toThrow(/after dispose/);
    small.dispose();
  });

  it('dispose frees everything the run made (not the weights)', async () => {
    const base = tf.memory().numTensors;
    for (const optimizer of ['adam', 'lbfgs'] as const) {
      const run = newRun({ optimizer });
      (await run.step()).image.dispose();
      (await run.step()).image.dispose();
      run.dispose();
      expect(tf.memory().numTensors).toBe(base);
    }
    expect(inputs.weights.block1_conv1!.kernel.isDisposed).toBe(false);
  });
});
