import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

// The page's localStorage (the calibration cache, the store's persisted settings), before the
// store is made.
const kept = vi.hoisted(() => {
  const m = new Map<string, string>();
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
  return m;
});
import { useStore, type PickedImage } from '../store';
import { currentPlan } from './pagePlan';
import type { Calibration, RunState } from '../../worker/protocol';
import type { FromCalibration, ToCalibration } from '../../worker/calibrationProtocol';
import {
  CalibrationRunner,
  IDLE_BEFORE_MEASURING_MS,
  type CalibrationWorkerLike,
} from './calibrationRunner';

/** A calibration worker the test answers for: what the page sent, and whether it was ended. */
class FakeWorker implements CalibrationWorkerLike {
  onmessage: ((ev: MessageEvent<FromCalibration>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  sent: ToCalibration[] = [];
  terminated = false;
  postMessage(msg: ToCalibration): void {
    this.sent.push(msg);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(msg: FromCalibration): void {
    this.onmessage?.({ data: msg } as MessageEvent<FromCalibration>);
  }
}

const partial: Calibration = {
  version: 2,
  deviceKey: 'test',
  size: 64,
  entries: [{ backend: 'wasm', ms: 200, warmupMs: 400, threads: 2, software: false }],
  fastest: 'wasm',
  pending: ['webgl'],
  measuredAt: '2026-12-02T00:00:00Z',
};

function setRun(state: RunState): void {
  useStore.getState().patchRun({ state });
}

describe('the calibration never measures while a run uses the device', () => {
  let workers: FakeWorker[];
  let runner: CalibrationRunner;
  beforeEach(() => {
    vi.useFakeTimers();
    kept.clear();
    useStore.getState().resetRun();
    useStore.getState().setCalibrating(null);
    workers = [];
    runner = new CalibrationRunner(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
  });
  afterEach(() => {
    runner.dispose();
    useStore.getState().resetRun();
    vi.useRealTimers();
  });

  test('a pass in progress at Start is abandoned, then measured again once no run is active', () => {
    runner.ensure();
    expect(workers).toHaveLength(1);
    const first = workers[0];
    first.reply({ type: 'measuring', backend: 'wasm', index: 0, count: 2, software: false });
    first.reply({ type: 'measured', calibration: partial });
    first.reply({ type: 'measuring', backend: 'webgl', index: 1, count: 2, software: true });

    setRun('starting');
    // The webgl pass would share the cores with the run: its worker is ended, and the page says
    // that webgl is still to be measured and waits.
    expect(first.terminated).toBe(true);
    expect(useStore.getState().calibrating).toMatchObject({ backend: 'webgl', waiting: true });
    setRun('running');
    vi.advanceTimersByTime(10 * IDLE_BEFORE_MEASURING_MS);
    expect(workers).toHaveLength(1);

    setRun('done');
    vi.advanceTimersByTime(IDLE_BEFORE_MEASURING_MS - 1);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(1);
    // Goes on from the figures so far: wasm is kept, webgl is measured.
    expect(workers).toHaveLength(2);
    expect(workers[1].sent[0]).toMatchObject({ type: 'measure', force: false });
    expect(workers[1].sent[0].cached?.entries.map((e) => e.backend)).toEqual(['wasm']);
    expect(workers[1].sent[0].cached?.pending).toEqual(['webgl']);
    expect(useStore.getState().calibrating?.waiting).toBe(false);
  });

  test('a Start soon after a run ends keeps the measurement waiting', () => {
    runner.ensure();
    workers[0].reply({ type: 'measuring', backend: 'wasm', index: 0, count: 2, software: false });
    setRun('running');
    expect(workers[0].terminated).toBe(true);
    setRun('done');
    vi.advanceTimersByTime(IDLE_BEFORE_MEASURING_MS / 2);
    setRun('starting');
    vi.advanceTimersByTime(10 * IDLE_BEFORE_MEASURING_MS);
    expect(workers).toHaveLength(1);
    expect(useStore.getState().calibrating?.waiting).toBe(true);
    // A paused run leaves the device free: measuring goes on.
    setRun('paused');
    vi.advanceTimersByTime(IDLE_BEFORE_MEASURING_MS);
    expect(workers).toHaveLength(2);
  });

  test('a worker that begins measuring under a run is ended; one that finds the cache valid is not', () => {
    runner.ensure();
    setRun('starting');
    // Still loading (it may only be checking the cache): left alone until it says what it does.
    expect(workers[0].terminated).toBe(false);
    workers[0].reply({ type: 'measuring', backend: 'wasm', index: 0, count: 2, software: false });
    expect(workers[0].terminated).toBe(true);
    expect(useStore.getState().calibrating).toMatchObject({ backend: 'wasm', waiting: true });

    runner.dispose();
    useStore.getState().resetRun();
    useStore.getState().setCalibrating(null);
    runner.ensure();
    setRun('starting');
    workers[1].reply({ type: 'measured', calibration: { ...partial, pending: [] } });
    expect(workers[1].terminated).toBe(true);
    expect(useStore.getState().calibrating).toBeNull();
    setRun('done');
    vi.advanceTimersByTime(10 * IDLE_BEFORE_MEASURING_MS);
    expect(workers).toHaveLength(2);
  });

  test('Measure again during a run waits, and measures every backend once the run ends', () => {
    setRun('running');
    runner.measure(true);
    expect(workers).toHaveLength(0);
    expect(useStore.getState().calibrating).toMatchObject({ backend: 'wasm', waiting: true });
    setRun('stopped');
    vi.advanceTimersByTime(IDLE_BEFORE_MEASURING_MS);
    expect(workers).toHaveLength(1);
    expect(workers[0].sent[0]).toMatchObject({ type: 'measure', force: true });
  });
});

describe("a first visit's defaults", () => {
  const picked = (width: number, height: number): PickedImage =>
    ({
      name: `${width}x${height}.png`,
      bitmap: { close() {} } as ImageBitmap,
      width,
      height,
      url: '',
      originalWidth: width,
      originalHeight: height,
      notes: [],
    }) as unknown as PickedImage;

  test('follow a content image of another shape, as the suggestion next to the field does', () => {
    const runner = new CalibrationRunner(() => new FakeWorker());
    useStore.setState({ runChosen: false, content: null, calibration: null, runSamples: [] });
    runner.ensure();
    const before = useStore.getState().outputLongSide;
    expect(before).toBe(currentPlan().suggestion?.longSide);
    // A panorama has far fewer pixels at the same long side than the 4:3 planned for before.
    useStore.getState().setImage('content', picked(4000, 800));
    const suggested = currentPlan().suggestion!;
    expect(suggested.longSide).toBeGreaterThan(before);
    expect(useStore.getState().outputLongSide).toBe(suggested.longSide);
    expect(useStore.getState().maxIterations).toBe(suggested.iterations);
    // Once the person set the size, a new image changes nothing.
    useStore.getState().setOutputLongSide(200);
    useStore.getState().setImage('content', picked(800, 600));
    expect(useStore.getState().outputLongSide).toBe(200);
    runner.dispose();
    useStore.setState({ content: null, runChosen: false });
  });
});
