/**
 * The history of runs: snapshots taken every N iterations (about SNAPSHOTS_PER_RUN per run), at
 * the end of each coarse-to-fine stage (at that stage's size), when a run pauses and when it ends,
 * kept in IndexedDB (./snapshotDb) and shown as a strip of thumbnails. Watches the page's store
 * for the run's progress and asks the worker for the image.
 */
import { create } from 'zustand';
import { useStore, type RunInfo } from '../store';
import { workerClient } from '../workerClient';
import { saveBytes } from '../imagePixels';
import { downloadName } from '../geometry';
import { embedRunRecord } from './pngSettings';
import { embedMask } from '../mask/maskPng';
import { keptMask } from '../mask/maskStore';
import { currentRunRecord } from './restore';
import { encodeTimelapse, FRAME_MS } from './timelapse';
import { fileStem } from '../geometry';
import { SnapshotDb, type Snapshot, type SnapshotReason } from './snapshotDb';
import { isQuotaError } from '../session/storageError';
import { evictionNotice, inIterationOrder } from './runs';

export const SNAPSHOTS_PER_RUN = 12;

/** Iterations between cadence snapshots for a budget of `maxIterations`. */
export function snapshotEvery(maxIterations: number): number {
  return Math.max(1, Math.round(maxIterations / SNAPSHOTS_PER_RUN));
}

export interface HistoryItem extends Snapshot {
  /** Object URL of the PNG, for the thumbnail and the large view. */
  url: string;
}

interface HistoryState {
  status: 'loading' | 'ready' | 'unavailable';
  items: HistoryItem[];
  selectedId: number | null;
  storedBytes: number;
  /** Whole-origin storage in use (weights included), when the browser says. */
  originUsage: number | null;
  notice: string | null;
  /** Snapshots the cap removed since the notice was last dismissed (the notice counts them all). */
  removed: number;
  /** The run being watched now (its snapshots show what a restart keeps). */
  liveRunId: string | null;
  error: string | null;
  /** Snapshots stored since the page loaded (evicted ones included). */
  added: number;
  /** Frames encoded so far while a time-lapse is being made. */
  timelapse: { done: number; total: number } | null;
}

export const useHistory = create<HistoryState>(() => ({
  status: 'loading',
  items: [],
  selectedId: null,
  storedBytes: 0,
  originUsage: null,
  notice: null,
  removed: 0,
  liveRunId: null,
  error: null,
  added: 0,
  timelapse: null,
}));

let db: SnapshotDb | null = null;
/** Snapshots are taken one at a time, in order. */
let chain: Promise<void> = Promise.resolve();
/** The run being watched; `taken` holds the iterations kept (stage ends apart, as `stage:N`). */
let current: { runId: string; every: number; taken: Set<number | string> } | null = null;

function withUrl(s: Snapshot): HistoryItem {
  return { ...s, url: URL.createObjectURL(s.png) };
}

async function refreshUsage(): Promise<void> {
  const items = useHistory.getState().items;
  const storedBytes = items.reduce((n, s) => n + s.bytes, 0);
  let originUsage: number | null = null;
  try {
    originUsage = (await navigator.storage?.estimate?.())?.usage ?? null;
  } catch {
    // Not reported by this browser: the history's own figure stays.
  }
  useHistory.setState({ storedBytes, originUsage });
}

let opening: Promise<void> | null = null;

/** Opens the store, shows what it holds and starts watching runs. Safe to call more than once. */
export function initHistory(): Promise<void> {
  opening ??= openHistory();
  return opening;
}

async function openHistory(): Promise<void> {
  try {
    db = await SnapshotDb.open();
  } catch (e) {
    useHistory.setState({
      status: 'unavailable',
      error: `History is off: IndexedDB could not be opened (${(e as Error).message}).`,
    });
    return;
  }
  const items = (await db.list()).map(withUrl);
  useHistory.setState({ status: 'ready', items });
  void refreshUsage();
  useStore.subscribe((s, prev) => onRun(s.run, prev.run));
}

function onRun(run: RunInfo, prev: RunInfo): void {
  if (run.state === 'starting' && prev.state !== 'starting') {
    current = {
      runId: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      every: snapshotEvery(run.maxIterations),
      taken: new Set(),
    };
    useHistory.setState({ liveRunId: current.runId });
    return;
  }
  if (!current) return;
  if (run.state === 'running' && run.iteration !== prev.iteration && run.iteration > 0) {
    if (run.stage?.ended) snapshot('stage');
    else if (run.iteration % current.every === 0) snapshot('cadence');
  }
  if (run.state !== prev.state) {
    if (run.state === 'paused') snapshot('pause');
    if (run.state === 'done' || run.state === 'stopped') snapshot('end');
  }
}

/** Takes a snapshot of the worker's current image ('stage': of the stage that just ended). */
export function snapshot(reason: SnapshotReason): void {
  const run = current;
  if (!run || !db) return;
  chain = chain.then(() => take(run, reason)).catch(() => undefined);
}

async function take(run: NonNullable<typeof current>, reason: SnapshotReason): Promise<void> {
  if (!db) return;
  let reply;
  try {
    reply = await workerClient.capture({ stageEnd: reason === 'stage' });
  } catch {
    return; // no image yet, or the worker was replaced: nothing to keep
  }
  // The iteration the worker had drawn; the same image is kept once. A stage's end is kept at
  // its own size even when a late cadence snapshot already caught that iteration upsampled.
  const key = reason === 'stage' ? `stage:${reply.iteration}` : reply.iteration;
  if (reply.iteration === 0 || run.taken.has(key)) return;
  run.taken.add(key);
  // The image's own size: a stage's end is kept at its stage's size, not the run's output size.
  const record = currentRunRecord(reply.iteration, Math.max(reply.width, reply.height));
  const png = embedMask(embedRunRecord(new Uint8Array(reply.png), record), keptMask());
  const s = useStore.getState();
  try {
    const { snapshot: added, evicted } = await db.add({
      runId: run.runId,
      iteration: reply.iteration,
      reason,
      width: reply.width,
      height: reply.height,
      png: new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
      record,
      contentName: s.content?.name ?? 'content',
      styleName: s.style?.name ?? 'style',
    });
    const gone = new Set(evicted.map((e) => e.id));
    const h = useHistory.getState();
    for (const item of h.items) if (gone.has(item.id)) URL.revokeObjectURL(item.url);
    const removed = h.removed + evicted.length;
    useHistory.setState({
      items: [...h.items.filter((i) => !gone.has(i.id)), withUrl(added)],
      added: h.added + 1,
      selectedId: h.selectedId !== null && gone.has(h.selectedId) ? null : h.selectedId,
      ...(evicted.length > 0 ? { removed, notice: evictionNotice(db.cap, removed) } : {}),
    });
  } catch (e) {
    // The newest snapshot is also the result a reload brings back: say what is lost.
    useHistory.setState({
      error: isQuotaError(e)
        ? "The browser's storage is full: this snapshot, and with it the latest result, is not " +
          'kept across a reload. Clearing the history frees space; Download keeps the result.'
        : `A snapshot could not be stored: ${(e as Error).message}`,
    });
  }
  await refreshUsage();
}

export function select(id: number | null): void {
  useHistory.setState({ selectedId: id });
}

export function dismissNotice(): void {
  useHistory.setState({ notice: null, removed: 0 });
}

/** The latest iteration of run `runId` that History holds (0 for none). */
export function keptInHistory(h: Pick<HistoryState, 'items'>, runId: string | null): number {
  return h.items.reduce((m, i) => (i.runId === runId ? Math.max(m, i.iteration) : m), 0);
}

function item(id: number): HistoryItem | undefined {
  return useHistory.getState().items.find((i) => i.id === id);
}

export async function downloadSnapshot(id: number): Promise<void> {
  const it = item(id);
  if (!it) return;
  const name = downloadName(it.contentName, it.styleName, it, it.iteration);
  saveBytes(await it.png.arrayBuffer(), name, 'image/png');
}

/** A new run with the current settings that starts from the snapshot's image. */
export async function startFromSnapshot(id: number): Promise<void> {
  const it = item(id);
  if (!it) return;
  const bitmap = await createImageBitmap(it.png);
  try {
    workerClient.start(bitmap);
  } finally {
    bitmap.close();
  }
}

export async function deleteSnapshot(id: number): Promise<void> {
  const it = item(id);
  if (!it || !db) return;
  await db.delete(id);
  URL.revokeObjectURL(it.url);
  const h = useHistory.getState();
  useHistory.setState({
    items: h.items.filter((i) => i.id !== id),
    selectedId: h.selectedId === id ? null : h.selectedId,
  });
  await refreshUsage();
}

export async function clearHistory(): Promise<void> {
  if (!db) return;
  await db.clear();
  for (const i of useHistory.getState().items) URL.revokeObjectURL(i.url);
  useHistory.setState({ items: [], selectedId: null, notice: null, removed: 0 });
  await refreshUsage();
}

/** The run a time-lapse shows: the selected snapshot's, else the newest one's. */
export function timelapseRun(h: Pick<HistoryState, 'items' | 'selectedId'>): HistoryItem[] {
  const anchor = h.items.find((i) => i.id === h.selectedId) ?? h.items.at(-1);
  if (!anchor) return [];
  return inIterationOrder(h.items.filter((i) => i.runId === anchor.runId));
}

/** Encodes the run's snapshots as a time-lapse (WebM, or APNG without WebCodecs) and saves it. */
export async function exportTimelapse(): Promise<void> {
  const frames = timelapseRun(useHistory.getState());
  if (frames.length === 0 || useHistory.getState().timelapse) return;
  // The output's size: the last snapshot (earlier coarse stages are scaled up to it).
  const { width, height, contentName, styleName } = frames[frames.length - 1];
  useHistory.setState({ timelapse: { done: 0, total: frames.length } });
  try {
    const file = await encodeTimelapse(
      frames.map((f) => f.png),
      {
        width,
        height,
        frameMs: FRAME_MS,
        onProgress: (done, total) => useHistory.setState({ timelapse: { done, total } }),
      },
    );
    const name = `timelapse-${fileStem(contentName)}-${fileStem(styleName)}-${width}x${height}-${frames.length}frames.${file.extension}`;
    saveBytes(file.bytes.slice().buffer as ArrayBuffer, name, file.mime);
  } finally {
    useHistory.setState({ timelapse: null });
  }
}
