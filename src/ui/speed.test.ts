import { describe, expect, it } from 'vitest';
import { estimateSeconds, PRIOR_SPEED, suggestRun, type SpeedSample } from './speed';

const at64: SpeedSample = {
  msPerIteration: 1000,
  width: 64,
  height: 48,
  backend: 'wasm',
  source: 'run',
};

describe('run time from measured speed', () => {
  it('scales with the pixel count', () => {
    expect(estimateSeconds(at64, { width: 64, height: 48 }, 10)).toBeCloseTo(10);
    expect(estimateSeconds(at64, { width: 128, height: 96 }, 10)).toBeCloseTo(40);
  });

  it('suggests the largest size whose 100 iterations fit in two minutes', () => {
    // 1 s at 64×48: 100 iterations at 64 px take 100 s; 96 px would take 225 s.
    expect(suggestRun(at64, { width: 640, height: 480 })).toEqual({
      longSide: 64,
      iterations: 100,
      seconds: 100,
    });
    const fast = { ...at64, msPerIteration: 20 };
    const s = suggestRun(fast, { width: 640, height: 480 });
    // 512×384 is 64× the pixels of 64×48: 1.28 s per iteration, 128 s > 120; 384 px fits.
    expect(s.longSide).toBe(384);
    expect(s.seconds).toBeLessThanOrEqual(120);
  });

  it('on a slow device: the smallest size, fewer iterations (this build machine before any run)', () => {
    const s = suggestRun(PRIOR_SPEED, { width: 64, height: 64 });
    expect(s.longSide).toBe(64);
    expect(s.iterations).toBe(41);
    expect(s.seconds).toBeLessThanOrEqual(120);
  });
});
