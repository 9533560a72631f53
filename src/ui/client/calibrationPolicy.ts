/**
 * The backends' calibration, cached per device by the page (the worker has no localStorage): sent
 * to each new worker for Auto's first pick. Measuring is the calibration worker's
 * (../cost/calibrationRunner.ts), started here once per page, in the background.
 */
import { loadCalibration } from '../calibrationCache';
import { calibrationRunner } from '../cost/calibrationRunner';
import type { Calibration } from '../../worker/protocol';

/** The cached calibration for a new worker's init; measures in the background what is missing. */
export function cachedCalibration(): Calibration | null {
  calibrationRunner.ensure();
  return loadCalibration();
}
