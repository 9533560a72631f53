import { describe, expect, it } from 'vitest';
import type { BenchMeasurement } from '../../src/worker/bench';
import { speedup } from './report';

const measurement = (over: Partial<BenchMeasurement>): BenchMeasurement => ({
  backend: 'wasm',
  height: 128,
  width: 128,
  deepestLayer: 'block5_conv1',
  rounds: 3,
  warmupMs: 0,
  setupMs: 0,
  fullMs: [],
  fullNoPreviewMs: [100, 120, 110],
  bareMs: [90, 100, 95],
  memoryBefore: { numTensors: 0, numBytes: 0 },
  memoryAfter: { numTensors: 0, numBytes: 0 },
  peakBytes: 0,
  warmupNewTensors: 0,
  lastLoss: 1,
  inputGradient: 'forward-conv',
  ...over,
});

describe('speedup against the old engine', () => {
  it('adds the old Gram extra (old − new medians) to the tfjs-gradient step', () => {
    const v = speedup(
      measurement({
        compare: { inputGradient: 'tfjs', fullMs: [600, 500, 700] },
        gram: { oldMs: [80, 90, 100], newMs: [10, 20, 30] },
      }),
    );
    expect(v.gradientOnlyRatio).toBeCloseTo(600 / 110);
    expect(v.gramExtraMs).toBeCloseTo(70);
    expect(v.oldEngineRatio).toBeCloseTo(670 / 110);
  });

  it('gives GFLOP/s from the layer shapes: 18.84 GFLOP at 128 px in the median bare ms', () => {
    expect(speedup(measurement({})).bareGflops).toBeCloseTo(18.837 / 0.095, 0);
  });

  it('leaves the ratios undefined (NaN) where nothing was compared', () => {
    const v = speedup(measurement({}));
    expect(v.gradientOnlyRatio).toBeNaN();
    expect(v.oldEngineRatio).toBeNaN();
  });
});
