import { describe, expect, it } from 'vitest';
import type { Calibration } from '../../worker/protocol';
import { iterationMs } from './costModel';
import {
  backendModel,
  chooseBackend,
  deviceModels,
  PRIOR_WASM,
  type RunSample,
} from './deviceCost';
import { suggestRun } from './suggest';

const px = (side: number) => side * side;

function calibration(entries: [string, number, number][]): Calibration {
  return {
    version: 2,
    deviceKey: 'k',
    size: 64,
    deepest: 'block5_conv1',
    fastest: 'wasm',
    measuredAt: '',
    entries: entries.map(([backend, at64, at128]) => ({
      backend: backend as 'wasm',
      ms: at64,
      warmupMs: at64,
      threads: 1,
      points: [
        { longSide: 64, pixels: px(64), ms: at64 },
        { longSide: 128, pixels: px(128), ms: at128 },
      ],
    })),
  };
}

describe("the device's models", () => {
  it('a first visit has the wasm prior and nothing for a GPU', () => {
    expect(backendModel('wasm', null, [], 'block5_conv1')?.basis).toBe('prior');
    expect(backendModel('webgl', null, [], 'block5_conv1')).toBeNull();
    expect(deviceModels(null, [], 'block5_conv1').map((m) => m.backend)).toEqual(['wasm']);
  });

  it('runs at sizes far apart win over the calibration passes', () => {
    const cal = calibration([['wasm', 200, 500]]);
    const samples: RunSample[] = [
      { backend: 'wasm', deepest: 'block5_conv1', pixels: px(64), ms: 233 },
      { backend: 'wasm', deepest: 'block5_conv1', pixels: px(256), ms: 2100 },
    ];
    const m = backendModel('wasm', cal, samples, 'block5_conv1')!;
    expect(m.basis).toBe('runs');
    expect(iterationMs(m.cost, px(256))).toBeCloseTo(2100);
    // Samples of another depth say nothing about this one.
    expect(backendModel('wasm', cal, samples, 'block2_conv1')!.basis).toBe('calibration');
  });

  it("close or flat run sizes keep the passes' shape, scaled to the runs", () => {
    const cal = calibration([['wasm', 200, 500]]);
    // Noise made the smaller stage slower: a line through these would be flat.
    const samples: RunSample[] = [
      { backend: 'wasm', deepest: 'block5_conv1', pixels: px(32), ms: 330 },
      { backend: 'wasm', deepest: 'block5_conv1', pixels: px(64), ms: 300 },
    ];
    const m = backendModel('wasm', cal, samples, 'block5_conv1')!;
    expect(m.basis).toBe('run');
    expect(m.cost.perPixelMs).toBeGreaterThan(0);
    expect(iterationMs(m.cost, px(128)) / iterationMs(m.cost, px(64))).toBeCloseTo(500 / 200, 5);
  });

  it("a flat calibration on the CPU keeps the prior's shape", () => {
    // 64 px timed slower than 128 px (a loaded machine).
    const cal = calibration([['wasm', 600, 500]]);
    const samples: RunSample[] = [
      { backend: 'wasm', deepest: 'block5_conv1', pixels: px(64), ms: 400 },
    ];
    const m = backendModel('wasm', cal, samples, 'block5_conv1')!;
    expect(m.cost.perPixelMs).toBeGreaterThan(0);
    expect(iterationMs(m.cost, px(64))).toBeCloseTo(400);
  });

  it('one run size rescales the calibration through it', () => {
    const cal = calibration([['wasm', 200, 500]]);
    const samples: RunSample[] = [
      { backend: 'wasm', deepest: 'block5_conv1', pixels: px(128), ms: 1050 },
    ];
    const m = backendModel('wasm', cal, samples, 'block5_conv1')!;
    expect(m.basis).toBe('run');
    expect(iterationMs(m.cost, px(128))).toBeCloseTo(1050);
    expect(iterationMs(m.cost, px(64))).toBeCloseTo(420);
  });

  it('Auto picks per size: fixed costs favour the CPU small, a GPU wins large', () => {
    // wasm: 100 ms fixed, steep; webgl: 400 ms fixed, flat.
    const cal = calibration([
      ['wasm', 100 + 0.02 * px(64), 100 + 0.02 * px(128)],
      ['webgl', 400 + 0.002 * px(64), 400 + 0.002 * px(128)],
    ]);
    const models = deviceModels(cal, [], 'block5_conv1');
    const plan = (side: number) => ({
      width: side,
      height: side,
      iterations: 30,
      multiscale: false,
    });
    expect(chooseBackend('auto', models, plan(64))).toBe('wasm');
    expect(chooseBackend('auto', models, plan(512))).toBe('webgl');
    expect(chooseBackend('wasm', models, plan(512))).toBe('wasm');
  });
});

describe('the suggestion', () => {
  it('is the largest size whose coarse-to-fine run of 100 iterations fits in two minutes', () => {
    const cost = { ...PRIOR_WASM, stageSetupIterations: 1 };
    const g = suggestRun(cost, { width: 300, height: 300 }, true);
    expect(g.iterations).toBe(100);
    expect(g.seconds).toBeLessThanOrEqual(120);
    // The prior is this project's machine: the issue expects 192-256 px there.
    expect(g.longSide).toBeGreaterThanOrEqual(192);
    expect(g.longSide).toBeLessThanOrEqual(256);
    // The next size up would not fit; a memory limit caps it.
    expect(suggestRun(cost, { width: 400, height: 300 }, true, 128).longSide).toBe(128);
  });

  it('on a slow device: fewer iterations at the smallest size', () => {
    const slow = { fixedMs: 3000, perPixelMs: 0, stageSetupIterations: 1 };
    const g = suggestRun(slow, null, true);
    expect(g.longSide).toBe(64);
    expect(g.iterations).toBeLessThan(100);
  });
});
