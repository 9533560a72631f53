import { describe, expect, it } from 'vitest';
import type { Calibration } from '../worker/protocol';
import { formatStepTime } from './format';
import { estimateIterationMs } from './speedEstimate';

const calibration: Calibration = {
  version: 1,
  deviceKey: 'test',
  size: 64,
  entries: [
    { backend: 'wasm', ms: 200, warmupMs: 300, threads: 2 },
    { backend: 'webgl', ms: null, warmupMs: 9000, threads: 1, note: 'slow' },
  ],
  fastest: 'wasm',
  measuredAt: '2026-11-28T00:00:00Z',
};

describe('iteration time from the calibration', () => {
  it('scales the measured pass with the pixel count', () => {
    expect(estimateIterationMs(calibration, 'wasm', 64, 64)).toBe(200);
    expect(estimateIterationMs(calibration, 'wasm', 256, 192)).toBe(200 * 12);
  });
  it('has no estimate for an untimed backend or without a calibration', () => {
    expect(estimateIterationMs(calibration, 'webgl', 64, 64)).toBeNull();
    expect(estimateIterationMs(null, 'wasm', 64, 64)).toBeNull();
  });
  it('formats iteration times for people', () => {
    expect(formatStepTime(420)).toBe('0.4 s');
    expect(formatStepTime(45_000)).toBe('45 s');
    expect(formatStepTime(600_000)).toBe('10 min');
    expect(formatStepTime(610_000)).toBe('10 min 10 s');
  });
});
