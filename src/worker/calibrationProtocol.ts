/** Messages between the page and the calibration worker (./calibrationWorker.ts). */
import type { BackendName, Calibration } from './protocol';

export type ToCalibration = {
  type: 'measure';
  /** The page's cached figures: kept when valid for this device; missing backends are measured. */
  cached: Calibration | null;
  /** Measure every backend again ("Measure again"). */
  force: boolean;
  /** ?debug only: wait this long before each GPU pass (tests see a GPU still being measured). */
  debugGpuDelayMs?: number;
};

export type FromCalibration =
  | { type: 'measuring'; backend: BackendName; index: number; count: number; software: boolean }
  /** The figures so far (calibration.pending names what is still to come). */
  | { type: 'measured'; calibration: Calibration }
  | { type: 'error'; message: string };
