/** Keeps a run's smoothed ms per iteration as this device's speed (estimates, defaults). */
import { useStore } from '../store';
import type { StyleBridge } from './bridge';

function measureSpeed(): void {
  const st = useStore.getState();
  const { avgStepMs, width, height, iteration } = st.run;
  if (avgStepMs <= 0 || !width || !height || iteration < 3) return;
  st.setSpeed({
    msPerIteration: avgStepMs,
    width,
    height,
    backend: st.backendInfo?.backend ?? 'unknown',
    source: 'run',
  });
}

/** Subscribe after the store writes (./storeSync): it reads the run the message left there. */
export function measureRunSpeed(bridge: StyleBridge): void {
  bridge.subscribe((msg) => {
    // A run that ended leaves its speed; the next run's defaults may follow it.
    if (msg.type === 'state' && (msg.state === 'done' || msg.state === 'stopped')) measureSpeed();
    // The first steps carry warm-up (shader compiles, allocations): measure from the third.
    if (msg.type === 'iteration' && msg.iteration === 3) measureSpeed();
  });
}
