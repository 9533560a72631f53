import { describe, expect, it } from 'vitest';
import {
  estimateRun,
  TILED_PASS_WINDOW_ITERATIONS,
  TILED_SETUP_WINDOW_ITERATIONS,
  tileWindowsMs,
} from './costModel';

const cost = { fixedMs: 10, perPixelMs: 1e-3, stageSetupIterations: 2 };

describe('cost of tiled stages', () => {
  it('a 512 px stage in 256/64 tiles costs its 9 windows (224, 256 and 160 px a side)', () => {
    // Cells [0,192) [192,384) [384,512), each widened by 32 px: windows of 224, 256, 160 px.
    const sides = [224, 256, 160];
    const expected = sides.flatMap((a) => sides.map((b) => 10 + 1e-3 * a * b));
    expect(tileWindowsMs(cost, 512, 512)).toBeCloseTo(
      expected.reduce((x, y) => x + y),
      6,
    );
  });

  it('only stages above the untiled limit are costed as tiles, with their own set-up', () => {
    const plan = { width: 1024, height: 768, iterations: 10, multiscale: true };
    const untiled = estimateRun(cost, plan).stages;
    const tiled = estimateRun(cost, { ...plan, tiledAbove: 600 }).stages;
    expect(tiled.slice(0, -1)).toEqual(untiled.slice(0, -1));
    const last = tiled.at(-1)!;
    const windows = tileWindowsMs(cost, 768, 1024);
    expect(last.iterationMs).toBeCloseTo(TILED_PASS_WINDOW_ITERATIONS * windows, 6);
    expect(last.setupMs).toBeCloseTo(TILED_SETUP_WINDOW_ITERATIONS * windows, 6);
    // Overlaps and a Gram sweep: a tiled pass costs more than the untiled iteration would.
    expect(last.iterationMs).toBeGreaterThan(1.5 * untiled.at(-1)!.iterationMs);
  });
});
