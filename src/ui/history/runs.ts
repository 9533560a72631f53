/**
 * How the history is shown: snapshots grouped by the run that made them (oldest run first), each
 * run in iteration order, with a line giving the run's size and settings; and the words of the
 * history's notices. Pure functions over the stored snapshots, so the order is tested directly.
 */
import type { Snapshot } from './snapshotDb';

type Shown = Pick<
  Snapshot,
  | 'id'
  | 'runId'
  | 'iteration'
  | 'reason'
  | 'width'
  | 'height'
  | 'record'
  | 'contentName'
  | 'styleName'
>;

/**
 * A run's snapshots in iteration order. A stage end is taken after the iterations that follow it
 * have started (the capture waits behind them), so the order of storing is not the order of the
 * run; at one iteration the stage's own image comes first, then one of the same iteration upsampled.
 */
export function inIterationOrder<T extends Shown>(items: readonly T[]): T[] {
  const rank = (s: T) => (s.reason === 'stage' ? 0 : 1);
  return [...items].sort((a, b) => a.iteration - b.iteration || rank(a) - rank(b) || a.id - b.id);
}

export interface RunGroup<T extends Shown> {
  runId: string;
  /** 1-based, in the order the runs were made (among those still kept). */
  number: number;
  items: T[];
}

/** The snapshots grouped by run, oldest run first, each in iteration order. */
export function groupRuns<T extends Shown>(items: readonly T[]): RunGroup<T>[] {
  const byRun = new Map<string, T[]>();
  for (const s of [...items].sort((a, b) => a.id - b.id)) {
    const list = byRun.get(s.runId);
    if (list) list.push(s);
    else byRun.set(s.runId, [s]);
  }
  return [...byRun].map(([runId, list], i) => ({
    runId,
    number: i + 1,
    items: inIterationOrder(list),
  }));
}

/**
 * "64×48 px · 12 iterations · Adam, lr 5 · α 1, β 10000 · 5 style layers · content.png + style.png":
 * the run's output size (its largest snapshot; coarse stages are smaller) and the settings it ran
 * with (those of its newest snapshot, which carry the live changes made during the run).
 */
export function runSummary(items: readonly Shown[]): string {
  if (items.length === 0) return '';
  const largest = items.reduce((m, s) => (s.width * s.height > m.width * m.height ? s : m));
  const newest = items.reduce((m, s) => (s.id > m.id ? s : m));
  const { settings: st, maxIterations } = newest.record;
  // Values as their fields show them (String, not the losses' exponent notation).
  const optimiser = st.optimizer === 'lbfgs' ? 'L-BFGS' : `Adam, lr ${String(st.learningRate)}`;
  const layers = `${st.styleLayers.length} style layer${st.styleLayers.length === 1 ? '' : 's'}`;
  return [
    `${largest.width}×${largest.height} px`,
    `${maxIterations} iteration${maxIterations === 1 ? '' : 's'}`,
    optimiser,
    `α ${String(st.alpha)}, β ${String(st.beta)}`,
    layers,
    `${newest.contentName} + ${newest.styleName}`,
  ].join(' · ');
}

/** The notice once the cap made room: `removed` counts every snapshot removed since it was shown. */
export function evictionNotice(
  cap: { maxCount: number; maxBytes: number },
  removed: number,
): string {
  const what = removed === 1 ? 'the oldest snapshot' : `the ${removed} oldest snapshots`;
  return (
    `History is full (${cap.maxCount} snapshots or ${(cap.maxBytes / 2 ** 20).toFixed(0)} MB): ` +
    `removed ${what}.`
  );
}

/**
 * What the Restart prompt says is kept and what is lost: `inHistory` is the latest iteration of
 * this run that History holds, `downloaded` the latest one saved as a PNG (0 for none).
 */
export function restartWarning(iteration: number, inHistory: number, downloaded: number): string {
  const ask = 'Restart from the beginning?';
  if (inHistory >= iteration) {
    return `${ask} The result at iteration ${iteration} stays in History, where you can show, download or continue it.`;
  }
  if (downloaded >= iteration) {
    return `${ask} The result at iteration ${iteration} is in the PNG you downloaded.`;
  }
  const kept =
    inHistory > 0 ? ` History keeps this run up to iteration ${inHistory}, as snapshots.` : '';
  return `${ask} The result at iteration ${iteration} is lost unless you download it first.${kept}`;
}
