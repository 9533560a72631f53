/**
 * The backend calibration (which backend is fastest on this device, measured by the worker) kept
 * in localStorage: the worker has none. The worker checks that a cached one is for this device.
 */
import type { Calibration } from '../worker/protocol';

const KEY = 'style-transfer:calibration';

export function loadCalibration(): Calibration | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Calibration) : null;
  } catch {
    return null;
  }
}

export function saveCalibration(c: Calibration): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(c));
  } catch {
    // Storage full or disabled: the next visit measures again, nothing else is lost.
  }
}
