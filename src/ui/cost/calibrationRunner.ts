/**
 * Starts and follows the calibration worker: the page's cached figures are reused when valid for
 * this device, otherwise the backends are measured in the background, CPU first, while runs go
 * on. Each backend's figures reach the store (and the cache) as they come. Until the person sets
 * size or iterations, or a run uses them, the defaults follow the latest figures.
 */
import { loadCalibration, saveCalibration } from '../calibrationCache';
import { useStore } from '../store';
import type { FromCalibration, ToCalibration } from '../../worker/calibrationProtocol';
import { currentPlan } from './pagePlan';

function debugGpuDelayMs(): number | undefined {
  const q = new URLSearchParams(location.search);
  if (!q.has('debug')) return undefined;
  const ms = Number(q.get('slowCalibration'));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The defaults a first visit gets: what this device's figures suggest, until they are the person's. */
export function applyMeasuredDefaults(): void {
  const g = currentPlan().suggestion;
  if (g) useStore.getState().applyDefaults(g);
}

class CalibrationRunner {
  private worker: Worker | null = null;
  private started = false;

  /** Once per page: reuse or measure. */
  ensure(): void {
    if (this.started) return;
    this.started = true;
    this.measure(false);
  }

  /** Measures (with `force`, every backend again: "Measure again"). */
  measure(force: boolean): void {
    this.started = true;
    this.worker?.terminate();
    const worker = new Worker(new URL('../../worker/calibrationWorker.ts', import.meta.url), {
      type: 'module',
    });
    this.worker = worker;
    const st = useStore.getState();
    worker.onmessage = (ev: MessageEvent<FromCalibration>) => {
      if (this.worker === worker) this.receive(ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (this.worker !== worker) return;
      this.finish();
      st.setNotice(`Measuring the backends failed (${ev.message || 'the worker did not load'}).`);
    };
    const cached = loadCalibration();
    if (cached && !force) st.setCalibration(cached);
    const msg: ToCalibration = {
      type: 'measure',
      cached,
      force,
      debugGpuDelayMs: debugGpuDelayMs(),
    };
    worker.postMessage(msg);
  }

  private finish(): void {
    this.worker?.terminate();
    this.worker = null;
    useStore.getState().setCalibrating(null);
  }

  private receive(msg: FromCalibration): void {
    const st = useStore.getState();
    switch (msg.type) {
      case 'measuring':
        st.setCalibrating({
          backend: msg.backend,
          index: msg.index,
          count: msg.count,
          software: msg.software,
        });
        break;
      case 'measured':
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
