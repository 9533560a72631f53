import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeSilence, LivenessWatch, type Silence } from './liveness';

const LIMITS = { factor: 10, floorMs: 20_000, unknownStepMs: 300_000, betweenStepsMs: 20_000 };

describe('LivenessWatch (simulated clock)', () => {
  let dead: Silence[];
  let watch: LivenessWatch;
  beforeEach(() => {
    vi.useFakeTimers();
    dead = [];
    watch = new LivenessWatch((s) => dead.push(s), { ...LIMITS });
  });
  afterEach(() => {
    watch.stop();
    vi.useRealTimers();
  });

  it('a long step within ten times its expected duration is not death', () => {
    watch.stepStarted(7, 5_000); // a 5 s step: bound 50 s
    vi.advanceTimersByTime(49_000);
    expect(dead).toEqual([]);
    watch.between(); // the step ended
    watch.stepStarted(8, 5_000);
    vi.advanceTimersByTime(49_000);
    expect(dead).toEqual([]);
  });

  it('a step that never ends is declared dead after the bound, once', () => {
    watch.stepStarted(7, 5_000);
    vi.advanceTimersByTime(50_000);
    expect(dead).toEqual([{ phase: 'step', iteration: 7, expectedMs: 5_000, waitedMs: 50_000 }]);
    vi.advanceTimersByTime(500_000);
    expect(dead).toHaveLength(1);
    expect(describeSilence(dead[0])).toBe(
      'iteration 7 (expected to take about 5.0 s) had not finished after 50 s',
    );
  });

  it('short steps get the floor; a first step with no expectation gets the long bound', () => {
    expect(watch.boundFor(30)).toBe(20_000);
    expect(watch.boundFor(null)).toBe(300_000);
    watch.stepStarted(1, null);
    vi.advanceTimersByTime(299_000);
    expect(dead).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(dead[0]).toMatchObject({ iteration: 1, expectedMs: null });
    watch.starting();
    vi.advanceTimersByTime(300_000);
    expect(describeSilence(dead[1])).toBe('it sent nothing for 300 s while setting up the run');
  });

  it('silence between steps is death too; a paused run is not watched', () => {
    watch.between();
    vi.advanceTimersByTime(20_000);
    expect(dead).toHaveLength(1);
    expect(describeSilence(dead[0])).toBe('it sent nothing for 20 s between iterations');
    watch.between();
    watch.stop(); // paused
    vi.advanceTimersByTime(1_000_000);
    expect(dead).toHaveLength(1);
    expect(watch.armed).toBe(false);
  });
});
