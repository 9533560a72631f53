/**
 * Keeps the mask across reloads in the session's IndexedDB store (../session/sessionDb), under
 * its own key: restored once at start, then written shortly after each change.
 */
import { SessionDb } from '../session/sessionDb';
import { useStore } from '../store';
import { storageProblem } from '../session/storageError';
import { keptMask, loadKeptMask, useMask } from './maskStore';

/** Writes wait this long for more changes (a brush session commits often). */
const WRITE_DELAY_MS = 250;

let opening: Promise<void> | null = null;

export function initMaskSession(): Promise<void> {
  opening ??= open();
  return opening;
}

async function open(): Promise<void> {
  let db: SessionDb;
  try {
    db = await SessionDb.open();
  } catch {
    return; // the session says why the store is unavailable
  }
  const kept = await db.get('mask').catch(() => undefined);
  // A mask painted before the store opened wins over the kept one.
  const now = useMask.getState();
  if (kept && now.undo.length === 0 && now.labels.every((l) => l === 0)) loadKeptMask(kept);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writes = Promise.resolve();
  useMask.subscribe((s, prev) => {
    if (s.version === prev.version) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const value = keptMask();
      writes = writes.then(() =>
        db.put('mask', value).catch((e: unknown) => {
          useStore.getState().setError(storageProblem('the mask', e));
        }),
      );
    }, WRITE_DELAY_MS);
  });
}
