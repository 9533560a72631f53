import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { StagedRun } from '../stages';
import { useCpuInputs } from '../../../test/engineFixture';
import { ONE_POOL_SETTINGS, patternImage } from '../testing';
import { StepInterrupted, type TilingOptions } from './tiledRun';

const S = ONE_POOL_SETTINGS;
// Two stages, 32x24 then 64x48 (2 tiles a pass); only the second is above the untiled limit.
const [H, W] = [64, 48];
async function pixels(run: StagedRun): Promise<Float32Array> {
  const img = run.currentImage();
  const out = Float32Array.from(await img.data());
  img.dispose();
  return out;
}

const inputs = useCpuInputs('block2_conv1', () => ({
  content: patternImage(H, 'content', W),
  style: patternImage(H, 'style', W),
}));

function tiledRun(hooks: TilingOptions['hooks'] = {}, from?: { stage: number; iteration: number }) {
  const tiling: TilingOptions = {
    untiledMaxPixels: 40 * 40,
    tile: { tileSize: 48, overlap: 16, gram: 'fresh' },
    hooks,
  };
  return new StagedRun(inputs.weights, inputs.content, inputs.style, S, 4, from, null, tiling);
}

describe('StagedRun with a tiled stage', () => {
  it('runs the stages above the untiled limit in tiles, lowers J there and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const tiles: number[] = [];
    const run = tiledRun({ onTile: (p) => void (p.sweep === 'gradient' && tiles.push(p.tile)) });
    expect(run.stages.map((s) => [s.height, s.width])).toEqual([
      [32, 24],
      [64, 48],
    ]);
    const totals: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await run.step();
      r.image.dispose();
      expect(r.stage.tiled).toBe(r.stage.index === 1);
      expect(r.image.shape).toEqual([r.stage.height, r.stage.width, 3]);
      if (r.stage.tiled) totals.push(r.losses.total);
    }
    expect(totals.length).toBeGreaterThanOrEqual(2);
    expect(totals.at(-1)!).toBeLessThan(totals[0]);
    // Progress per tile: every pass reports its tiles in order from 0.
    expect(tiles.filter((t) => t === 0).length).toBe(totals.length);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a pass stopped between two tiles steps nothing and the next step runs it whole', async () => {
    let stopAt = -1;
    let seen = 0;
    const run = tiledRun({
      onTile: () => void seen++,
      shouldStop: () => {
        if (seen !== stopAt) return false;
        stopAt = -1;
        return true;
      },
    });
    while (!run.stage.tiled || run.iteration === run.stage.startIteration) {
      (await run.step()).image.dispose();
    }
    const at = run.iteration;
    const image = await pixels(run);
    stopAt = seen + 1;
    await expect(run.step()).rejects.toBeInstanceOf(StepInterrupted);
    expect(run.iteration).toBe(at);
    expect(await pixels(run)).toEqual(image);
    const r = await run.step();
    r.image.dispose();
    expect(r.iteration).toBe(at + 1);
    run.dispose();
  });

  it('a checkpoint of a tiled stage restores the same image and Adam state', async () => {
    const run = tiledRun();
    while (!run.stage.tiled || run.iteration === run.stage.startIteration) {
      (await run.step()).image.dispose();
    }
    const cp = await run.checkpoint();
    expect(cp.run.optimizer.kind).toBe('adam');
    const next = await run.step();
    next.image.dispose();
    run.dispose();

    const again = tiledRun({}, { stage: cp.stage, iteration: cp.iteration });
    expect(again.restore(cp)).toBe(true);
    const r = await again.step();
    r.image.dispose();
    expect(r.iteration).toBe(next.iteration);
    expect(r.losses.total).toBeCloseTo(next.losses.total, 4);
    again.dispose();
  });
});
