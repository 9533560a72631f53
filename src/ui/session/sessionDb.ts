/**
 * The page's work kept across reloads, in its own IndexedDB database: the images in their slots,
 * as the files that were picked (intake decodes them again on load, so notes and sizes come back
 * as they were). The latest result is the history's newest snapshot (../history), not kept twice.
 */
import { idbCommitted, idbRequest, openIdb } from '../idb';
import type { KeptMask } from '../mask/maskStore';

export const SESSION_DB_NAME = 'style-transfer-session';
const STORE = 'inputs';

export interface StoredImage {
  name: string;
  /** The file as picked (dropped, chosen, pasted or a sample). */
  source: Blob;
}

/** What the store holds, by key. */
export interface StoredInputs {
  content: StoredImage;
  style: StoredImage;
  /** Styles 2 to MAX_STYLES, in order. */
  extraStyles: StoredImage[];
  /** The spatial mask (../mask/maskSession keeps it). */
  mask: KeptMask;
}
export type InputKey = keyof StoredInputs;

export class SessionDb {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = indexedDB, name = SESSION_DB_NAME): Promise<SessionDb> {
    const db = await openIdb(factory, name, 1, (d) => {
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE);
    });
    return new SessionDb(db);
  }

  async get<K extends InputKey>(key: K): Promise<StoredInputs[K] | undefined> {
    const tx = this.db.transaction(STORE, 'readonly');
    const [value] = await Promise.all([
      idbRequest(tx.objectStore(STORE).get(key) as IDBRequest<StoredInputs[K] | undefined>),
      idbCommitted(tx),
    ]);
    return value;
  }

  /** Stores `value` under `key`, or removes the key for null (a slot emptied). */
  async put<K extends InputKey>(key: K, value: StoredInputs[K] | null): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = idbCommitted(tx);
    try {
      if (value === null) tx.objectStore(STORE).delete(key);
      else tx.objectStore(STORE).put(value, key);
    } catch (e) {
      tx.abort();
      await done.catch(() => undefined);
      throw e;
    }
    await done;
  }

  close(): void {
    this.db.close();
  }
}
