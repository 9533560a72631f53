import { describe, expect, it } from 'vitest';
import {
  estimateRun,
  fitIterationCost,
  iterationMs,
  remainingMs,
  rescaleThrough,
  type RunCost,
} from './costModel';

const px = (side: number) => side * side;

describe('iteration cost fitted from measured sizes', () => {
  it('separates the fixed part from the part per pixel', () => {
    // 100 ms fixed + 0.01 ms per pixel, measured at 64 and 256 px.
    const c = fitIterationCost([
      { pixels: px(64), ms: 100 + 0.01 * px(64) },
      { pixels: px(256), ms: 100 + 0.01 * px(256) },
    ])!;
    expect(c.fixedMs).toBeCloseTo(100, 6);
    expect(c.perPixelMs).toBeCloseTo(0.01, 9);
    // The figure the issue saw: scaling 64 px by the pixel count would say 16x at 256 px.
    expect(iterationMs(c, px(256)) / iterationMs(c, px(64))).toBeLessThan(6);
  });

  it('needs two distinct sizes', () => {
    expect(fitIterationCost([{ pixels: 4096, ms: 200 }])).toBeNull();
    expect(
      fitIterationCost([
        { pixels: 4096, ms: 200 },
        { pixels: 4200, ms: 230 },
      ]),
    ).toBeNull();
  });

  it('never has a negative part when noise tilts the line', () => {
    const flat = fitIterationCost([
      { pixels: px(64), ms: 300 },
      { pixels: px(128), ms: 290 },
    ])!;
    expect(flat.perPixelMs).toBe(0);
    expect(flat.fixedMs).toBeCloseTo(295);
    const steep = fitIterationCost([
      { pixels: px(64), ms: 10 },
      { pixels: px(128), ms: 100 },
    ])!;
    expect(steep.fixedMs).toBe(0);
    expect(steep.perPixelMs).toBeGreaterThan(0);
  });

  it('rescales its shape through a measured step', () => {
    const c = rescaleThrough({ fixedMs: 100, perPixelMs: 0.01 }, { pixels: px(128), ms: 528 });
    expect(iterationMs(c, px(128))).toBeCloseTo(528);
    expect(c.fixedMs / c.perPixelMs).toBeCloseTo(100 / 0.01);
  });
});

describe('a run through its stages', () => {
  const cost: RunCost = { fixedMs: 200, perPixelMs: 0.03, stageSetupIterations: 1 };

  it('adds each stage at its own size, with its set-up', () => {
    // 256 px square, 30 iterations, coarse to fine: 128 px (20 its) then 256 px (10 its).
    const e = estimateRun(cost, { width: 256, height: 256, iterations: 30, multiscale: true });
    expect(e.stages.map((s) => [s.width, s.iterations])).toEqual([
      [128, 20],
      [256, 10],
    ]);
    const at128 = 200 + 0.03 * px(128);
    const at256 = 200 + 0.03 * px(256);
    expect(e.totalMs).toBeCloseTo(21 * at128 + 11 * at256);
    expect(e.firstPreviewMs).toBeCloseTo(2 * at128);
    const single = estimateRun(cost, {
      width: 256,
      height: 256,
      iterations: 30,
      multiscale: false,
    });
    expect(single.totalMs).toBeCloseTo(31 * at256);
    expect(single.totalMs).toBeGreaterThan(e.totalMs);
  });

  it('time left counts the rest of the stage and the later ones, and agrees at the start', () => {
    const plan = { width: 256, height: 256, iterations: 30, multiscale: true };
    expect(remainingMs(cost, plan, 0)).toBeCloseTo(estimateRun(cost, plan).totalMs);
    const at256 = 200 + 0.03 * px(256);
    // Stage 2 not begun yet: its set-up is still to come.
    expect(remainingMs(cost, plan, 20)).toBeCloseTo(11 * at256);
    expect(remainingMs(cost, plan, 25)).toBeCloseTo(5 * at256);
    expect(remainingMs(cost, plan, 30)).toBe(0);
    // A budget raised to 40 runs on at the final size.
    expect(remainingMs(cost, plan, 30, 40)).toBeCloseTo(10 * at256);
  });
});
