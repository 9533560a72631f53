import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { downscaleSmoothly, planStages, StagedRun, stageAt, stageLongSides } from './stages';
import type { StyleSettings } from './settings';
import { useCpuInputs } from '../../test/engineFixture';
import { maxAbsDiff, patternImage, SHALLOW_SETTINGS } from './testing';

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

  it('finds the stage a run resumed after n iterations goes on in', () => {
    const plan = planStages(768, 1024, 200, true); // 80, 40, 40, 40 iterations
    const at = (n: number) => stageAt(plan, n);
    expect([0, 79, 80, 119, 120, 159, 160, 199, 200, 250].map(at)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3, 3, 3,
    ]);
    expect(stageAt(planStages(768, 1024, 200, false), 150)).toBe(0);
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

/** Block 1 only: the stage logic, not the network, is under test (and the cpu backend is slow). */
const LIGHT = {
  ...SHALLOW_SETTINGS,
  contentLayer: 'block1_conv2' as const,
  styleLayers: [
    { name: 'block1_conv1' as const, weight: 0.5 },
    { name: 'block1_conv2' as const, weight: 0.5 },
  ],
};

/** Where a StagedRun starts when it resumes. */
type StagedRunFrom = ConstructorParameters<typeof StagedRun>[5];

describe('StagedRun (64x32 output: 32x16 then 64x32, block-1 layers, random VGG16)', () => {
  const inputs = useCpuInputs('block1_conv2', () => ({
    content: patternImage(32, 'content', 64),
    style: patternImage(40, 'style'),
  }));
  const staged = (settings: StyleSettings, budget: number, from?: StagedRunFrom) =>
    new StagedRun(inputs.weights, inputs.content, inputs.style, settings, budget, from);

  it('goes through its stages to the output size, each starting from the last one upsampled, without tensor growth', async () => {
    const base = tf.memory().numTensors;
    // A tiny learning rate: a step barely moves the image, so the upsampling shows.
    const run = staged({ ...LIGHT, learningRate: 1e-3 }, 4);
    expect(run.stages.map((s) => [s.height, s.width, s.iterations])).toEqual([
      [16, 32, 2],
      [32, 64, 2],
    ]);
    const counts: number[][] = [[], []];
    let last: tf.Tensor3D | null = null;
    for (let i = 1; i <= 4; i++) {
      const r = await run.step();
      expect(r.iteration).toBe(i);
      expect(r.stage.index).toBe(i <= 2 ? 0 : 1);
      // Only the first stage's last step ends a stage; the final stage's end is the run's.
      expect(r.stageEnd).toBe(i === 2);
      expect(r.image.shape).toEqual(i <= 2 ? [16, 32, 3] : [32, 64, 3]);
      if (i === 3 && last) {
        const up = tf.image.resizeBilinear(last, [32, 64], false, true);
        expect(maxAbsDiff(r.image, up)).toBeLessThan(0.05);
        up.dispose();
      }
      last?.dispose();
      last = r.image;
      counts[r.stage.index].push(tf.memory().numTensors);
    }
    last?.dispose();
    // Within a stage, a step leaves as many tensors as the one before it.
    for (const c of counts) expect(c[1]).toBe(c[0]);
    // Targets were computed at each stage's own size: two content targets, 2 x 2 Grams.
    expect(run.targetStats).toEqual({ contentComputations: 2, gramComputations: 4 });
    // Budget raised past the plan: the last stage goes on.
    const r5 = await run.step();
    expect([r5.iteration, r5.stage.index, r5.image.shape[0], r5.stageEnd]).toEqual([
      5,
      1,
      32,
      false,
    ]);
    r5.image.dispose();
    run.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('single scale runs at the output size from the start; resuming in a later stage starts there', async () => {
    const single = staged({ ...LIGHT, multiscale: false }, 4);
    expect(single.stage).toMatchObject({ index: 0, count: 1, height: 32, width: 64 });
    single.dispose();
    const img = patternImage(32, 'style', 64);
    const clipped = tf.clipByValue(img, 0, 255);
    const resumed = staged(LIGHT, 6, {
      stage: 1,
      iteration: 5,
      image: img,
    });
    const now = resumed.currentImage();
    expect(maxAbsDiff(now, clipped)).toBeLessThan(1e-3);
    const r = await resumed.step();
    expect([r.iteration, r.stage.index, r.stage.startIteration]).toEqual([6, 1, 4]);
    // A picture of another size is brought to the stage's size.
    const small = patternImage(8, 'style', 16);
    resumed.setImage(small);
    const fitted = resumed.currentImage();
    expect(fitted.shape).toEqual([32, 64, 3]);
    tf.dispose([img, clipped, now, r.image, small, fitted]);
    resumed.dispose();
    // A kept result names no stage: its iteration says which (4 + 2 iterations here).
    const kept = patternImage(32, 'style', 64);
    const fromKept = staged(LIGHT, 6, {
      iteration: 5,
      image: kept,
    });
    expect([fromKept.stage.index, fromKept.iteration]).toEqual([1, 5]);
    const early = staged(LIGHT, 6, { iteration: 3, image: kept });
    expect([early.stage.index, early.stage.width]).toEqual([0, 32]);
    tf.dispose(kept);
    fromKept.dispose();
    early.dispose();
  });
});
