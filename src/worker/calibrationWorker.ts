/**
 * The calibration worker: measures the backends (./calibration.ts) apart from the style worker,
 * so a run never waits for a measurement. It reports each backend's figures as they come, CPU
 * first, and is ended by the page when all are in, or when a run starts (a pass would share the
 * cores with it); the page starts it again after the run with the figures so far.
 */
import { randomVgg16Weights } from '../model/randomWeights';
import {
  CALIBRATION_DEEPEST,
  calibrationOf,
  calibrationValid,
  measureBackend,
  measureOrder,
} from './calibration';
import type { FromCalibration, ToCalibration } from './calibrationProtocol';
import type { CalibrationEntry } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (msg: FromCalibration) => scope.postMessage(msg);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function measure(msg: ToCalibration): Promise<void> {
  const cached = calibrationValid(msg.cached) ? msg.cached : null;
  if (cached && !msg.force && !cached.pending?.length) {
    post({ type: 'measured', calibration: cached });
    return;
  }
  const entries: CalibrationEntry[] = msg.force || !cached ? [] : [...cached.entries];
  const order = (await measureOrder()).filter((c) => !entries.some((e) => e.backend === c.backend));
  // Values do not change the speed, shapes do: no weights need to be loaded for this.
  const raw = randomVgg16Weights(1, CALIBRATION_DEEPEST);
  const delay = msg.debugGpuDelayMs ?? 0;
  const done = entries.length;
  for (const [i, c] of order.entries()) {
    post({
      type: 'measuring',
      backend: c.backend,
      // Counted with the backends measured before (a measurement resumed after a run).
      index: done + i,
      count: done + order.length,
      software: c.software,
    });
    const fastest = entries.reduce<number | null>(
      (a, e) => (e.ms != null && (a === null || e.ms < a) ? e.ms : a),
      null,
    );
    const beforePass = c.backend === 'wasm' || delay <= 0 ? undefined : () => sleep(delay);
    entries.push(await measureBackend(raw, c, fastest, beforePass));
    const pending = order.slice(i + 1).map((o) => o.backend);
    post({ type: 'measured', calibration: calibrationOf(entries, pending) });
  }
}

scope.onmessage = (ev: MessageEvent<ToCalibration>) => {
  measure(ev.data).catch((e: unknown) =>
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
  );
};
