/**
 * IndexedDB cache of converted model artifacts (model.json + all shard bytes in one buffer), keyed
 * by label, so a reload or a dropped .h5 never needs the network or the conversion again.
 * Only complete, validated models go in: put() checks the manifest against the byte count.
 */
import { type ModelJson, type ModelLabel, parseModelJson, weightBytes } from './format';

export interface CachedModel {
  key: ModelLabel;
  modelJson: ModelJson;
  /** All shards concatenated, in manifest order. */
  weights: ArrayBuffer;
  storedAt: number;
}

export interface WeightsCache {
  get(key: ModelLabel): Promise<CachedModel | null>;
  put(key: ModelLabel, modelJson: ModelJson, weights: ArrayBuffer): Promise<void>;
  delete(key: ModelLabel): Promise<void>;
  /** Bytes of weight data held, all entries together. */
  storedBytes(): Promise<number>;
}

export const DEFAULT_DB_NAME = 'style-transfer-weights';
const STORE = 'models';
const DB_VERSION = 1;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) {
        req.result.createObjectStore(STORE, { keyPath: 'key' });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`cannot open IndexedDB ${name}`));
    req.onblocked = () => reject(new Error(`IndexedDB ${name} is blocked by another tab`));
  });
}

function isValidEntry(x: unknown): x is CachedModel {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as CachedModel;
  if (!(e.weights instanceof ArrayBuffer)) return false;
  try {
    return weightBytes(parseModelJson(e.modelJson)) === e.weights.byteLength;
  } catch {
    return false;
  }
}

class IndexedDbWeightsCache implements WeightsCache {
  constructor(private readonly db: IDBDatabase) {}

  private async run<T>(
    mode: IDBTransactionMode,
    op: (s: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> {
    const tx = this.db.transaction(STORE, mode);
    // Resolve only once the transaction committed, so a put is durable when it returns.
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    const [result] = await Promise.all([request(op(tx.objectStore(STORE))), done]);
    return result;
  }

  async get(key: ModelLabel): Promise<CachedModel | null> {
    const entry: unknown = await this.run('readonly', (s) => s.get(key));
    if (entry === undefined) return null;
    if (!isValidEntry(entry)) {
      await this.delete(key); // a damaged entry would fail every later load
      return null;
    }
    return entry;
  }

  async put(key: ModelLabel, modelJson: ModelJson, weights: ArrayBuffer): Promise<void> {
    const json = parseModelJson(modelJson);
    if (json.userDefinedMetadata.label !== key) {
      throw new Error(`cannot cache a '${json.userDefinedMetadata.label}' model as '${key}'`);
    }
    const expected = weightBytes(json);
    if (weights.byteLength !== expected) {
      throw new Error(
        `refusing to cache ${weights.byteLength} bytes of weights, expected ${expected}`,
      );
    }
    const entry: CachedModel = { key, modelJson: json, weights, storedAt: Date.now() };
    await this.run('readwrite', (s) => s.put(entry));
  }

  async delete(key: ModelLabel): Promise<void> {
    await this.run('readwrite', (s) => s.delete(key));
  }

  async storedBytes(): Promise<number> {
    const all: unknown[] = await this.run('readonly', (s) => s.getAll());
    return all.reduce<number>(
      (n, e) =>
        n +
        ((e as CachedModel).weights instanceof ArrayBuffer
          ? (e as CachedModel).weights.byteLength
          : 0),
      0,
    );
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Opens the cache; `factory` defaults to the global indexedDB (window or worker). Returns null where
 * IndexedDB is missing or refuses to open (private modes), so callers simply run uncached.
 */
export async function openWeightsCache(
  opts: { factory?: IDBFactory; dbName?: string } = {},
): Promise<(WeightsCache & { close(): void }) | null> {
  const factory = opts.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) return null;
  try {
    return new IndexedDbWeightsCache(await openDb(factory, opts.dbName ?? DEFAULT_DB_NAME));
  } catch {
    return null;
  }
}
