/**
 * Starts and follows the calibration worker: the page's cached figures are reused when valid for
 * this device, otherwise the backends are measured in the background, CPU first. Measuring never
 * competes with a run: while a run starts or runs, no pass is timed (a pass in progress is
 * abandoned by ending its worker, whose own job it is), and measuring goes on once no run has been
 * active for a moment. Each backend's figures reach the store (and the cache) as they come. Until
 * the person sets size or iterations, or a run uses them, the defaults follow the latest figures
 * and the content image's shape.
 */
import { loadCalibration, saveCalibration } from '../calibrationCache';
import { useStore, type AppState } from '../store';
import type { FromCalibration, ToCalibration } from '../../worker/calibrationProtocol';
import { currentPlan } from './pagePlan';

/** How long no run must be active before measuring goes on (a next Start often follows at once). */
export const IDLE_BEFORE_MEASURING_MS = 2000;

/** What the runner needs of a worker (a test may give it another). */
export interface CalibrationWorkerLike {
  onmessage: ((ev: MessageEvent<FromCalibration>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  postMessage(msg: ToCalibration): void;
  terminate(): void;
}

function spawnWorker(): CalibrationWorkerLike {
  return new Worker(new URL('../../worker/calibrationWorker.ts', import.meta.url), {
    type: 'module',
  }) as unknown as CalibrationWorkerLike;
}

function debugGpuDelayMs(): number | undefined {
  if (typeof location === 'undefined') return undefined;
  const q = new URLSearchParams(location.search);
  if (!q.has('debug')) return undefined;
  const ms = Number(q.get('slowCalibration'));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** A run that uses the device: measuring now would slow it down (and time the contention). */
export function runUsesDevice(s: Pick<AppState, 'run'>): boolean {
  return s.run.state === 'starting' || s.run.state === 'running';
}

/** The defaults a first visit gets: what this device's figures suggest, until they are the person's. */
export function applyMeasuredDefaults(): void {
  const g = currentPlan().suggestion;
  if (g) useStore.getState().applyDefaults(g);
}

export class CalibrationRunner {
  private worker: CalibrationWorkerLike | null = null;
  private started = false;
  /** Measuring is wanted but waits for the run to end (its worker was ended or never started). */
  private waiting = false;
  /** "Measure again" asked, and no figure of it has come in yet (a resume measures all again). */
  private force = false;
  private resumeTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly spawn: () => CalibrationWorkerLike = spawnWorker) {}

  /** Once per page: reuse or measure. */
  ensure(): void {
    if (this.started) return;
    this.measure(false);
  }

  /** Measures (with `force`, every backend again: "Measure again"). */
  measure(force: boolean): void {
    this.started = true;
    this.force = force;
    this.unsubscribe ??= useStore.subscribe((s, prev) => {
      if (runUsesDevice(s) !== runUsesDevice(prev)) this.followRun();
      // The suggestion is for the content's shape (pixels at a long side) and capped by the size
      // limit: a first visit's defaults follow both, as they follow new figures.
      if (s.content !== prev.content || s.fitLimit !== prev.fitLimit) applyMeasuredDefaults();
    });
    const cached = loadCalibration();
    if (cached && !force) useStore.getState().setCalibration(cached);
    this.stopWorker();
    if (runUsesDevice(useStore.getState())) this.wait();
    else this.startWorker();
  }

  /** For tests and page teardown: no worker, no subscription. */
  dispose(): void {
    this.stopWorker();
    this.clearResume();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.started = false;
    this.waiting = false;
  }

  private followRun(): void {
    if (runUsesDevice(useStore.getState())) {
      this.clearResume();
      // A pass in progress would share the cores with the run: it is abandoned, redone later.
      // (A worker that measures nothing yet may only be checking the cache: it says 'measuring'
      // before a pass, and is ended then.)
      if (this.worker && useStore.getState().calibrating) {
        this.stopWorker();
        this.wait();
      }
    } else if (this.waiting && !this.resumeTimer) {
      this.resumeTimer = setTimeout(() => {
        this.resumeTimer = null;
        if (this.waiting && !runUsesDevice(useStore.getState())) this.startWorker();
      }, IDLE_BEFORE_MEASURING_MS);
    }
  }

  /** Says what waits: the backend being measured, or else the first of those still to come. */
  private wait(): void {
    this.waiting = true;
    const st = useStore.getState();
    const now = st.calibrating;
    if (now) {
      st.setCalibrating({ ...now, waiting: true });
      return;
    }
    const c = loadCalibration();
    const known = c ? [...c.entries.map((e) => e.backend), ...(c.pending ?? [])] : [];
    const done = this.force ? 0 : (c?.entries.length ?? 0);
    st.setCalibrating({
      backend: (this.force ? known[0] : c?.pending?.[0]) ?? 'wasm',
      index: done,
      count: Math.max(done + 1, known.length),
      software: false,
      waiting: true,
    });
  }

  private clearResume(): void {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private startWorker(): void {
    this.waiting = false;
    this.clearResume();
    const worker = this.spawn();
    this.worker = worker;
    worker.onmessage = (ev) => {
      if (this.worker === worker) this.receive(ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (this.worker !== worker) return;
      this.finish();
      useStore
        .getState()
        .setNotice(`Measuring the backends failed (${ev.message || 'the worker did not load'}).`);
    };
    const cached = loadCalibration();
    const calibrating = useStore.getState().calibrating;
    if (calibrating?.waiting)
      useStore.getState().setCalibrating({ ...calibrating, waiting: false });
    worker.postMessage({
      type: 'measure',
      cached,
      force: this.force,
      debugGpuDelayMs: debugGpuDelayMs(),
    });
  }

  private finish(): void {
    this.stopWorker();
    this.waiting = false;
    useStore.getState().setCalibrating(null);
  }

  private receive(msg: FromCalibration): void {
    const st = useStore.getState();
    switch (msg.type) {
      case 'measuring': {
        // A run started while this worker was still loading: no pass begins under it.
        const busy = runUsesDevice(st);
        st.setCalibrating({
          backend: msg.backend,
          index: msg.index,
          count: msg.count,
          software: msg.software,
          waiting: busy,
        });
        if (busy) {
          this.stopWorker();
          this.waiting = true;
        }
        break;
      }
      case 'measured':
        // Saved as they come: a resumed measurement goes on from here, not from scratch.
        this.force = false;
        saveCalibration(msg.calibration);
        st.setCalibration(msg.calibration);
        applyMeasuredDefaults();
        if (!msg.calibration.pending?.length) this.finish();
        break;
      case 'error':
        this.finish();
        st.setNotice(`Measuring the backends failed: ${msg.message}`);
        break;
    }
  }
}

export const calibrationRunner = new CalibrationRunner();
