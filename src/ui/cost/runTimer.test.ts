import { describe, expect, it } from 'vitest';
import { RunTimer } from './runTimer';

const stage = (number: number, side: number) => ({
  number,
  count: 2,
  longSide: side,
  width: side,
  height: side,
  ended: false,
});

describe("a run's own measurements", () => {
  it('one sample per stage from the wall time between iterations, and the set-up ratio', () => {
    const t = new RunTimer('wasm', 'block5_conv1', 0);
    // Stage 1 at 64 px: 300 ms to the first iteration (200 of set-up), then 100 ms each.
    expect(t.iteration(stage(1, 64), 300)).toBeNull();
    for (const at of [400, 500, 610, 700]) expect(t.iteration(stage(1, 64), at)).toBeNull();
    expect(t.live()?.ms).toBeCloseTo(100);
    // Stage 2 at 128 px: its first iteration ends stage 1.
    const s1 = t.iteration(stage(2, 128), 1900);
    expect(s1).toMatchObject({ backend: 'wasm', pixels: 64 * 64 });
    expect(s1!.ms).toBeCloseTo(100);
    for (const at of [2300, 2700, 3100]) t.iteration(stage(2, 128), at);
    const s2 = t.finishStage();
    expect(s2).toMatchObject({ pixels: 128 * 128, ms: 400 });
    // Stage 1: 300/100 - 1 = 2; stage 2: 1200/400 - 1 = 2.
    expect(t.stageSetup()).toBeCloseTo(2);
  });

  it('a stage with too few steps gives no sample', () => {
    const t = new RunTimer('webgl', 'block5_conv1', 0);
    t.iteration(stage(1, 64), 500);
    t.iteration(stage(1, 64), 600);
    expect(t.finishStage()).toBeNull();
    expect(t.stageSetup()).toBeNull();
  });
});
