/**
 * The history's IndexedDB store: one record per snapshot (the PNG, with its run's settings inside
 * and beside it), kept under a count and a byte cap; adding past either evicts the oldest first.
 */
import type { PngRunRecord } from './pngSettings';
import { idbCommitted as committed, idbRequest as request, openIdb } from '../idb';

export type SnapshotReason = 'cadence' | 'stage' | 'pause' | 'end';

export interface SnapshotInput {
  /** Snapshots of one run share it (the strip groups and dedupes by it). */
  runId: string;
  iteration: number;
  reason: SnapshotReason;
  width: number;
  height: number;
  /** PNG bytes (already carrying the settings chunk). */
  png: Blob;
  record: PngRunRecord;
  contentName: string;
  styleName: string;
}

export interface Snapshot extends SnapshotInput {
  /** Increasing with time: eviction order. */
  id: number;
  createdAt: number;
  bytes: number;
}

export interface SnapshotCap {
  maxCount: number;
  maxBytes: number;
}

/** About five runs' worth at ~12 snapshots each; 1024 px PNGs are ~1–2 MB, so bytes bind first there. */
export const DEFAULT_CAP: SnapshotCap = { maxCount: 60, maxBytes: 64 * 1024 * 1024 };

export const HISTORY_DB_NAME = 'style-transfer-history';
const STORE = 'snapshots';

function openDb(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return openIdb(factory, name, 1, (db) => {
    if (!db.objectStoreNames.contains(STORE)) {
      db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    }
  });
}

export interface AddResult {
  snapshot: Snapshot;
  /** Oldest snapshots removed to stay within the cap. */
  evicted: Snapshot[];
}

export class SnapshotDb {
  private constructor(
    private readonly db: IDBDatabase,
    readonly cap: SnapshotCap,
  ) {}

  static async open(
    factory: IDBFactory = indexedDB,
    cap: SnapshotCap = DEFAULT_CAP,
    name = HISTORY_DB_NAME,
  ): Promise<SnapshotDb> {
    return new SnapshotDb(await openDb(factory, name), cap);
  }

  /** Every snapshot, oldest first. */
  async list(): Promise<Snapshot[]> {
    const tx = this.db.transaction(STORE, 'readonly');
    const [all] = await Promise.all([
      request(tx.objectStore(STORE).getAll() as IDBRequest<Snapshot[]>),
      committed(tx),
    ]);
    return all.sort((a, b) => a.id - b.id);
  }

  /** Bytes of PNG data held (what the cap counts). */
  async storedBytes(): Promise<number> {
    return (await this.list()).reduce((n, s) => n + s.bytes, 0);
  }

  /**
   * Stores a snapshot and evicts the oldest ones while the store is over the cap, in one
   * transaction (a reload mid-way leaves either both or neither). A single snapshot larger than
   * the byte cap is still kept, alone: the newest result is never thrown away.
   */
  async add(input: SnapshotInput): Promise<AddResult> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const done = committed(tx);
    const existing = (await request(store.getAll() as IDBRequest<Snapshot[]>)).sort(
      (a, b) => a.id - b.id,
    );
    const entry = { ...input, createdAt: Date.now(), bytes: input.png.size };
    const id = Number(await request(store.add(entry)));
    const snapshot: Snapshot = { ...entry, id };
    const evicted: Snapshot[] = [];
    let count = existing.length + 1;
    let bytes = existing.reduce((n, s) => n + s.bytes, 0) + snapshot.bytes;
    for (const old of existing) {
      if (count <= this.cap.maxCount && bytes <= this.cap.maxBytes) break;
      store.delete(old.id);
      evicted.push(old);
      count--;
      bytes -= old.bytes;
    }
    await done;
    return { snapshot, evicted };
  }

  async delete(id: number): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(id);
    await committed(tx);
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await committed(tx);
  }

  close(): void {
    this.db.close();
  }
}
