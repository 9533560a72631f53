import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../worker/protocol';
import { APP_VERSION } from './pngSettings';
import { evictionNotice, groupRuns, inIterationOrder, restartWarning, runSummary } from './runs';
import type { SnapshotReason } from './snapshotDb';

let nextId = 1;
function snap(runId: string, iteration: number, reason: SnapshotReason = 'cadence', size = 64) {
  return {
    id: nextId++,
    runId,
    iteration,
    reason,
    width: size,
    height: Math.round((size * 2) / 3),
    contentName: 'content.png',
    styleName: 'style.png',
    record: {
      appVersion: APP_VERSION,
      iteration,
      weights: 'demo' as const,
      settings: { ...DEFAULT_SETTINGS, alpha: 1, beta: 1e4, learningRate: 5 },
      outputLongSide: 64,
      maxIterations: 12,
    },
  };
}

describe('history order', () => {
  it('files a stage end in iteration order though it was stored after later iterations', () => {
    // As a coarse-to-fine run stores them: the stage end of iteration 8 lands after iteration 10.
    const stored = [
      snap('a', 1),
      snap('a', 3),
      snap('a', 5),
      snap('a', 6),
      snap('a', 8),
      snap('a', 10),
      snap('a', 8, 'stage', 48),
      snap('a', 12, 'end'),
    ];
    const order = inIterationOrder(stored);
    expect(order.map((s) => s.iteration)).toEqual([1, 3, 5, 6, 8, 8, 10, 12]);
    // At one iteration the stage's own image first, then the one scaled up to the output.
    expect(order.slice(4, 6).map((s) => s.reason)).toEqual(['stage', 'cadence']);
  });

  it('groups the runs apart, oldest first, and says each run’s size and settings', () => {
    const stored = [snap('a', 6), snap('b', 4), snap('a', 12, 'end'), snap('b', 2, 'stage', 32)];
    const runs = groupRuns(stored);
    expect(runs.map((r) => [r.runId, r.number, r.items.map((s) => s.iteration)])).toEqual([
      ['a', 1, [6, 12]],
      ['b', 2, [2, 4]],
    ]);
    // The largest snapshot gives the output size (a coarse stage's is smaller).
    expect(runSummary(runs[1].items)).toBe(
      '64×43 px · 12 iterations · Adam, lr 5 · α 1, β 10000 · 5 style layers · content.png + style.png',
    );
  });
});

describe('history notices', () => {
  const cap = { maxCount: 60, maxBytes: 64 * 2 ** 20 };
  it('counts every snapshot removed since the notice was shown', () => {
    expect(evictionNotice(cap, 1)).toBe(
      'History is full (60 snapshots or 64 MB): removed the oldest snapshot.',
    );
    expect(evictionNotice(cap, 12)).toBe(
      'History is full (60 snapshots or 64 MB): removed the 12 oldest snapshots.',
    );
  });

  it('the Restart prompt says what History and downloads keep', () => {
    expect(restartWarning(36, 36, 0)).toMatch(/iteration 36 stays in History/);
    expect(restartWarning(36, 36, 0)).not.toMatch(/lost/);
    expect(restartWarning(36, 0, 36)).toMatch(/in the PNG you downloaded/);
    expect(restartWarning(37, 36, 0)).toMatch(
      /iteration 37 is lost unless you download it first\. History keeps this run up to iteration 36/,
    );
    expect(restartWarning(5, 0, 0)).toMatch(/iteration 5 is lost unless you download it first\.$/);
  });
});
