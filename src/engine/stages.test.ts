import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import { downscaleSmoothly, planStages, StagedRun, stageLongSides } from './stages';
import { patternImage, randomWeights, SHALLOW_SETTINGS } from './testing';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('the stage plan', () => {
  it('doubles the long side from a small start up to the output, the first stage getting two shares', async () => {
    expect(stageLongSides(1024, true)).toEqual([128, 256, 512, 1024]);
    expect(stageLongSides(2048, true)).toEqual([128, 256, 512, 1024, 2048]);
    expect(stageLongSides(300, true)).toEqual([75, 150, 300]);
    expect(stageLongSides(64, true)).toEqual([32, 64]);
    expect(stageLongSides(48, true)).toEqual([48]);
    expect(stageLongSides(1024, false)).toEqual([1024]);
    const plan = planStages(768, 1024, 200, true);
    expect(plan.map((s) => [s.longSide, s.height, s.width, s.iterations])).toEqual([
      [128, 96, 128, 80],
      [256, 192, 256, 40],
      [512, 384, 512, 40],
      [1024, 768, 1024, 40],
    ]);
    expect(planStages(768, 1024, 200, false)).toEqual([
      { longSide: 1024, height: 768, width: 1024, iterations: 200 },
    ]);
    // Budgets too small for every stage drop the coarsest ones; the total is always the budget.
    expect(planStages(1024, 1024, 3, true).map((s) => s.longSide)).toEqual([512, 1024]);
    for (const budget of [2, 3, 7, 50, 201]) {
      const total = planStages(1000, 700, budget, true).reduce((a, s) => a + s.iterations, 0);
      expect(total).toBe(budget);
    }
  });

  it('downscales by averaging 2x2 blocks at each halving', async () => {
    const img = tf.tensor3d(
      [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60],
      [4, 4, 1],
    );
    const rgb = tf.tile(img, [1, 1, 3]) as tf.Tensor3D;
    const half = downscaleSmoothly(rgb, 2, 2);
    expect(Array.from(half.dataSync()).filter((_, i) => i % 3 === 0)).toEqual([10, 18, 42, 50]);
    const quarter = downscaleSmoothly(rgb, 1, 1);
    expect(quarter.dataSync()[0]).toBe(30);
    tf.dispose([img, rgb, half, quarter]);
  });
});

describe('StagedRun (64 px output, 32 then 64, shallow layers, random VGG16)', () => {
  let weights: Vgg16Weights;
  let content: tf.Tensor3D;
  let style: tf.Tensor3D;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block2_conv2');
    content = patternImage(64, 'content', 48);
    style = patternImage(40, 'style');
  });
  afterAll(async () => {
    tf.dispose([content, style]);
    disposeWeights(weights);
  });

  it('goes through its stages to the output size, each starting from the last one upsampled, without tensor growth', async () => {
    const base = tf.memory().numTensors;
    // A tiny learning rate: a step barely moves the image, so the upsampling shows.
    const run = new StagedRun(
      weights,
      content,
      style,
      { ...SHALLOW_SETTINGS, learningRate: 1e-3 },
      6,
    );
    expect(run.stages.map((s) => [s.height, s.width, s.iterations])).toEqual([
      [32, 24, 4],
      [64, 48, 2],
    ]);
    const counts: number[][] = [[], []];
    let last: tf.Tensor3D | null = null;
    for (let i = 1; i <= 6; i++) {
      const r = await run.step();
      expect(r.iteration).toBe(i);
      expect(r.stage.index).toBe(i <= 4 ? 0 : 1);
      expect(r.image.shape).toEqual(i <= 4 ? [32, 24, 3] : [64, 48, 3]);
      if (i === 5 && last) {
        const up = tf.image.resizeBilinear(last, [64, 48], false, true);
        expect(maxAbsDiff(r.image, up)).toBeLessThan(0.05);
        up.dispose();
      }
      last?.dispose();
      last = r.image;
      counts[r.stage.index].push(tf.memory().numTensors);
    }
    last?.dispose();
    // Adam's moments are made at a stage's first step; after that nothing grows.
    for (const c of counts) expect(c.slice(1)).toEqual(c.slice(1).map(() => c[1]));
    // Targets were computed at each stage's own size: two content targets, 2 x 2 Grams.
    expect(run.targetStats).toEqual({ contentComputations: 2, gramComputations: 4 });
    // Budget raised past the plan: the last stage goes on.
    const r7 = await run.step();
    expect([r7.iteration, r7.stage.index, r7.image.shape[0]]).toEqual([7, 1, 64]);
    r7.image.dispose();
    run.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('single scale runs at the output size from the start; resuming in a later stage starts there', async () => {
    const single = new StagedRun(
      weights,
      content,
      style,
      { ...SHALLOW_SETTINGS, multiscale: false },
      4,
    );
    expect(single.stage).toMatchObject({ index: 0, count: 1, height: 64, width: 48 });
    single.dispose();
    const img = patternImage(64, 'style', 48);
    const resumed = new StagedRun(weights, content, style, SHALLOW_SETTINGS, 6, {
      stage: 1,
      iteration: 5,
      image: img,
    });
    const now = resumed.currentImage();
    expect(maxAbsDiff(now, tf.clipByValue(img, 0, 255))).toBeLessThan(1e-3);
    const r = await resumed.step();
    expect([r.iteration, r.stage.index, r.stage.startIteration]).toEqual([6, 1, 4]);
    tf.dispose([img, now, r.image]);
    resumed.dispose();
  });
});
