/**
 * A run rebuilt from a checkpoint (what the worker does after losing its WebGL context) continues
 * the trajectory of the run it replaces: same J at the same iteration, Adam's moments and L-BFGS'
 * curvature pairs included.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { StyleTransferRun, type RunCheckpoint } from './run';
import { StagedRun } from './stages';
import type { OptimizerName } from './settings';
import { patternPair, useCpuInputs } from '../../test/engineFixture';
import { patternImage, SHALLOW_SETTINGS } from './testing';

const SIZE = 16;
const CHECKPOINT_AT = 3;
const STEPS = 7;

const inputs = useCpuInputs('block2_conv2', () => patternPair(SIZE));

const newRun = (optimizer: OptimizerName) =>
  new StyleTransferRun(inputs.weights, inputs.content, inputs.style, {
    ...SHALLOW_SETTINGS,
    optimizer,
  });

/** J reported by each step from the run's current iteration up to STEPS. */
async function stepToEnd(run: StyleTransferRun): Promise<number[]> {
  const totals: number[] = [];
  while (run.iteration < STEPS) {
    const r = await run.step();
    r.image.dispose();
    totals.push(r.losses.total);
  }
  return totals;
}

const maxRelDiff = (a: number[], b: number[]) =>
  Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));

describe.each(['adam', 'lbfgs'] as const)('%s from a checkpoint', (optimizer) => {
  let uninterrupted: number[];
  let checkpoint: RunCheckpoint;
  let tensorsBefore: number;

  beforeAll(async () => {
    tensorsBefore = tf.memory().numTensors;
    const a = newRun(optimizer);
    uninterrupted = (await stepToEnd(a)).slice(CHECKPOINT_AT);
    a.dispose();
    const b = newRun(optimizer);
    while (b.iteration < CHECKPOINT_AT) (await b.step()).image.dispose();
    checkpoint = await b.checkpoint();
    b.dispose(); // every tensor of the first run is gone, as with a lost context
  });

  it('continues with the same J at the same iterations (within 1e-4 relative)', async () => {
    const c = newRun(optimizer);
    expect(c.restore(checkpoint)).toBe(true);
    expect(c.iteration).toBe(CHECKPOINT_AT);
    const resumed = await stepToEnd(c);
    c.dispose();
    expect(resumed).toHaveLength(STEPS - CHECKPOINT_AT);
    console.log(
      `${optimizer}: max relative J difference after restore ${maxRelDiff(resumed, uninterrupted).toExponential(2)}`,
    );
    expect(maxRelDiff(resumed, uninterrupted)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('without the optimiser state (the image alone) it would leave that trajectory', async () => {
    const blank = newRun(optimizer);
    const fresh = (await blank.checkpoint()).optimizer; // no moments, no curvature pairs
    blank.dispose();
    const c = newRun(optimizer);
    c.restore({ ...checkpoint, optimizer: fresh });
    const resumed = await stepToEnd(c);
    c.dispose();
    // Adam's first report is J of the restored image itself, the same either way.
    expect(maxRelDiff(resumed.slice(1), uninterrupted.slice(1))).toBeGreaterThan(1e-3);
  });
});

it('a checkpoint of one optimiser does not load into another: it starts fresh and says so', async () => {
  const a = newRun('adam');
  (await a.step()).image.dispose();
  const cp = await a.checkpoint();
  a.dispose();
  const l = newRun('lbfgs');
  expect(l.restore(cp)).toBe(false);
  expect(l.iteration).toBe(1);
  l.dispose();
});

it('a coarse-to-fine run rebuilt in its stage (as the worker does) goes on into the next stage with the same J', async () => {
  // 32 x 64 with coarse to fine: stages of 16 x 32 and 32 x 64; a budget of 6 gives them 4 and 2.
  const { weights, style } = inputs;
  const wide = patternImage(32, 'content', 64);
  const tensorsBefore = tf.memory().numTensors;
  const staged = (from?: { stage: number; iteration: number }) =>
    new StagedRun(weights, wide, style, { ...SHALLOW_SETTINGS, multiscale: true }, 6, from);
  const stepTo = async (r: StagedRun, end: number) => {
    const totals: number[] = [];
    while (r.iteration < end) {
      const s = await r.step();
      s.image.dispose();
      totals.push(s.losses.total);
    }
    return totals;
  };
  const a = staged();
  expect(a.stages.map((st) => st.iterations)).toEqual([4, 2]);
  await stepTo(a, 2);
  const cp = await a.checkpoint(); // reads only: the run goes on as if untouched
  const uninterrupted = await stepTo(a, 6);
  a.dispose();
  const c = staged({ stage: cp.stage, iteration: cp.iteration });
  expect(c.restore(cp)).toBe(true);
  const resumed = await stepTo(c, 6);
  expect(c.stage.index).toBe(1);
  c.dispose();
  console.log(
    `staged adam: max relative J difference after restore ${maxRelDiff(resumed, uninterrupted).toExponential(2)}`,
  );
  expect(resumed).toHaveLength(4);
  expect(maxRelDiff(resumed, uninterrupted)).toBeLessThan(1e-4);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  wide.dispose();
});
