import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { DEFAULT_CAP, SnapshotDb, type SnapshotInput } from './snapshotDb';
import { DEFAULT_SETTINGS } from '../../worker/protocol';

function snap(i: number, bytes = 1000): SnapshotInput {
  return {
    runId: `run-${Math.floor(i / 12)}`,
    iteration: i,
    reason: 'cadence',
    width: 64,
    height: 48,
    png: new Blob([new Uint8Array(bytes).fill(i % 256)], { type: 'image/png' }),
    record: {
      appVersion: '0.1.0',
      iteration: i,
      weights: 'demo',
      settings: DEFAULT_SETTINGS,
      outputLongSide: 64,
      maxIterations: 12,
    },
    contentName: 'content.png',
    styleName: 'style.png',
  };
}

describe('snapshot history in IndexedDB', () => {
  it('50 snapshots, a reload, 50 more: stays within the cap, oldest evicted first', async () => {
    const factory = new IDBFactory();
    let db = await SnapshotDb.open(factory);
    let evicted = 0;
    for (let i = 0; i < 50; i++) evicted += (await db.add(snap(i))).evicted.length;
    expect(evicted).toBe(0);
    db.close();

    // A reload: a new connection finds all 50.
    db = await SnapshotDb.open(factory);
    expect((await db.list()).map((s) => s.iteration)).toEqual([...Array(50).keys()]);
    const evictedIterations: number[] = [];
    for (let i = 50; i < 100; i++) {
      for (const e of (await db.add(snap(i))).evicted) evictedIterations.push(e.iteration);
    }
    const kept = await db.list();
    expect(kept).toHaveLength(DEFAULT_CAP.maxCount);
    expect(kept.map((s) => s.iteration)).toEqual([...Array(60).keys()].map((k) => k + 40));
    expect(evictedIterations).toEqual([...Array(40).keys()]);
    expect(await db.storedBytes()).toBe(60 * 1000);
    // What comes back is what went in: PNG bytes, settings, names.
    const last = kept.at(-1)!;
    expect(last.bytes).toBe(1000);
    expect(new Uint8Array(await last.png.arrayBuffer())[0]).toBe(99);
    expect(last.record.settings).toEqual(DEFAULT_SETTINGS);
    db.close();
  });

  it('the byte cap evicts too, but never the newest snapshot', async () => {
    const db = await SnapshotDb.open(new IDBFactory(), { maxCount: 100, maxBytes: 10_000 });
    for (let i = 0; i < 5; i++) await db.add(snap(i, 3000));
    expect((await db.list()).map((s) => s.iteration)).toEqual([2, 3, 4]);
    const big = await db.add(snap(5, 50_000));
    expect(big.evicted.map((s) => s.iteration)).toEqual([2, 3, 4]);
    expect((await db.list()).map((s) => s.iteration)).toEqual([5]);
    await db.delete(big.snapshot.id);
    expect(await db.storedBytes()).toBe(0);
  });
});
