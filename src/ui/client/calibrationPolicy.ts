/**
 * The backends' calibration, cached per device by the page (the worker has no localStorage): sent
 * to each new worker, and stored when a worker measured again.
 */
import { loadCalibration, saveCalibration } from '../calibrationCache';
import { useStore } from '../store';
import type { Calibration } from '../../worker/protocol';
import type { StyleBridge } from './bridge';

/** The cached calibration for a new worker's init (also shown in the store). */
export function cachedCalibration(): Calibration | null {
  const calibration = loadCalibration();
  useStore.getState().setCalibration(calibration);
  return calibration;
}

export function keepCalibration(bridge: StyleBridge): void {
  bridge.subscribe((msg) => {
    const st = useStore.getState();
    if (msg.type === 'calibrating') {
      st.setCalibrating({ backend: msg.backend, index: msg.index, count: msg.count });
    } else if (msg.type === 'calibrated') {
      saveCalibration(msg.calibration);
      st.setCalibration(msg.calibration);
    }
  });
}
