/**
 * Keeps the page's work across reloads. The images in their slots go to ./sessionDb when chosen
 * and come back through intake on load; the latest result is the history's newest snapshot
 * (taken at its cadence, at a pause and at the end of a run), shown again once the weights are in,
 * as a stopped run at its iteration that Resume continues. Settings persist on their own (store).
 */
import { create } from 'zustand';
import { intakeImage } from '../imageIntake';
import { pickedImage } from '../pickImage';
import { useStore, type AppState, type PickedImage } from '../store';
import { initHistory, useHistory } from '../history/history';
import { workerClient } from '../workerClient';
import { SessionDb, type InputKey, type StoredImage, type StoredInputs } from './sessionDb';
import { storageProblem } from './storageError';

interface SessionState {
  status: 'opening' | 'ready' | 'unavailable';
  /** Why something cannot be kept across a reload (the page works on regardless). */
  problem: { key: InputKey | 'open' | 'restore'; message: string } | null;
  /** A kept result is on its way back (waiting for the weights): the page says "Restoring…". */
  restoring: boolean;
}

export const useSession = create<SessionState>(() => ({
  status: 'opening',
  problem: null,
  restoring: false,
}));

const WHAT: Record<InputKey, string> = {
  content: 'the content image',
  style: 'the style image',
  extraStyles: 'the extra style images',
  mask: 'the mask',
};

let db: SessionDb | null = null;
/** Writes go one after another, in the order the choices were made. */
let writes: Promise<void> = Promise.resolve();
/** Set while restored images go into the store: they are already stored. */
let restoring = false;

function stored(img: PickedImage): StoredImage {
  return { name: img.name, source: img.source };
}

function save<K extends InputKey>(key: K, value: StoredInputs[K] | null): void {
  writes = writes.then(async () => {
    if (!db) return;
    try {
      await db.put(key, value);
      if (useSession.getState().problem?.key === key) useSession.setState({ problem: null });
    } catch (e) {
      useSession.setState({ problem: { key, message: storageProblem(WHAT[key], e) } });
    }
  });
}

function onStore(s: AppState, prev: AppState): void {
  if (restoring) return;
  if (s.content !== prev.content) save('content', s.content && stored(s.content));
  if (s.style !== prev.style) save('style', s.style && stored(s.style));
  if (s.extraStyles !== prev.extraStyles) save('extraStyles', s.extraStyles.map(stored));
}

async function reopen(rec: StoredImage): Promise<PickedImage> {
  return pickedImage(rec.name, rec.source, await intakeImage(rec.source));
}

function release(img: PickedImage): void {
  img.bitmap.close();
  URL.revokeObjectURL(img.url);
}

/** Puts the stored images back into slots the person has not filled meanwhile. */
async function restoreImages(from: SessionDb): Promise<void> {
  const [content, style, extras] = await Promise.all([
    from.get('content'),
    from.get('style'),
    from.get('extraStyles'),
  ]);
  const [c, s, ...x] = await Promise.all(
    [content, style, ...(extras ?? [])].map((r) =>
      r
        ? reopen(r).catch((e: unknown) => {
            useSession.setState({
              problem: {
                key: 'restore',
                message: `"${r.name}", kept from your last visit, could not be opened again: ${String(e)}`,
              },
            });
            return null;
          })
        : Promise.resolve(null),
    ),
  );
  const st = useStore.getState();
  restoring = true;
  try {
    if (c && st.content) release(c);
    else if (c) st.setImage('content', c);
    if (s && st.style) release(s);
    else if (s) st.setImage('style', s);
    const extra = x.filter((i): i is PickedImage => i !== null);
    if (st.extraStyles.length === 0) for (const i of extra) st.addExtraStyle(i);
    else extra.forEach(release);
  } finally {
    restoring = false;
  }
}

/** Resolves once the first weights load has ended, either way (the run needs them settled). */
function weightsSettled(): Promise<void> {
  const settled = (s: AppState) => s.weights.status !== 'idle' && s.weights.status !== 'loading';
  if (settled(useStore.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = useStore.subscribe((s) => {
      if (!settled(s)) return;
      unsubscribe();
      resolve();
    });
  });
}

/** Shows the history's newest snapshot as the result, unless a run began meanwhile. */
async function restoreResult(): Promise<void> {
  await initHistory();
  const newest = useHistory.getState().items.at(-1);
  if (!newest) return;
  useSession.setState({ restoring: true });
  try {
    await weightsSettled();
    const run = useStore.getState().run;
    if (run.state !== 'idle' || run.iteration > 0) return;
    const bitmap = await createImageBitmap(newest.png);
    try {
      workerClient.showResult(bitmap, newest.iteration);
    } finally {
      bitmap.close();
    }
  } finally {
    useSession.setState({ restoring: false });
  }
}

let opening: Promise<void> | null = null;

/** Opens the store, restores what it holds and keeps later choices. Safe to call more than once. */
export function initSession(): Promise<void> {
  opening ??= openSession();
  return opening;
}

async function openSession(): Promise<void> {
  try {
    db = await SessionDb.open();
  } catch (e) {
    useSession.setState({
      status: 'unavailable',
      problem: { key: 'open', message: storageProblem(null, e) },
    });
    return;
  }
  useStore.subscribe(onStore);
  useSession.setState({ status: 'ready' });
  try {
    await restoreImages(db);
    await restoreResult();
  } catch (e) {
    useSession.setState({
      problem: {
        key: 'restore',
        message: `The work kept from your last visit could not be restored: ${String(e)}`,
      },
    });
  }
}

export function dismissProblem(): void {
  useSession.setState({ problem: null });
}
