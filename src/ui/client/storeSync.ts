/**
 * The store and the worker kept in step: what the worker reports about its backend and the run is
 * written into the store, and the store's changes that a run in progress follows (backend, budget,
 * live settings) are sent to the worker.
 */
import { watchMask } from '../mask/maskLive';
import { noteMaskApplied } from '../mask/maskStore';
import { liveDiff } from '../liveSettings';
import { isRunActive, useStore } from '../store';
import type { FromWorker } from '../../worker/protocol';
import type { StyleBridge } from './bridge';

function write(msg: FromWorker): void {
  const st = useStore.getState();
  switch (msg.type) {
    case 'backend':
      st.setBackendInfo({
        backend: msg.backend,
        renderer: msg.renderer,
        warning: msg.warning,
        threads: msg.threads,
        crossOriginIsolated: msg.crossOriginIsolated,
      });
      break;
    case 'state':
      st.patchRun({
        state: msg.state,
        pending: null,
        message: msg.message ?? null,
        // A paused or stopped tiled step was abandoned between tiles: no tile is in flight.
        ...(msg.state !== 'running' ? { tile: null } : {}),
        ...(msg.width ? { width: msg.width, height: msg.height } : {}),
        // The worker took the run up (until then it finished the job before it).
        ...(msg.state === 'starting' || msg.state === 'running' ? { workerStarted: true } : {}),
      });
      break;
    case 'iteration':
      st.patchRun({
        iteration: msg.iteration,
        maxIterations: msg.maxIterations,
        losses: msg.losses,
        avgStepMs: msg.avgStepMs,
        stage: msg.stage,
        tile: null,
      });
      st.pushLosses(msg.iteration, msg.losses);
      break;
    case 'tileProgress':
      st.patchRun({
        tile: { iteration: msg.iteration, tile: msg.tile, tiles: msg.tiles, sweep: msg.sweep },
      });
      break;
    case 'settingsApplied':
      st.patchRun({ applied: msg.settings });
      break;
    case 'maskApplied':
      noteMaskApplied({ iteration: msg.iteration, regions: msg.regions });
      break;
    case 'error':
      // The worker's own size check (the backstop, where the page did not know the limit yet):
      // said next to the size field like the page's.
      if (msg.where === 'start' && /will not fit|smallest output fits/.test(msg.message)) {
        st.setSizeRefusal(msg.message);
      } else st.setError(`${msg.where}: ${msg.message}`);
      break;
  }
}

/** What the worker reports, written into the store (subscribe before the policies that read it). */
export function writeReports(bridge: StyleBridge): void {
  bridge.subscribe(write);
}

/** Sends the worker the store's changes a run follows; returns the unsubscribe. */
export function followStore(bridge: StyleBridge): () => void {
  // Mask edits go to a running run too (src/ui/mask/maskLive.ts).
  const unwatchMask = watchMask((mask) => {
    if (bridge.running) bridge.send({ type: 'setMask', mask });
  });
  const unwatch = useStore.subscribe((s, prev) => {
    if (!bridge.running) return;
    if (s.backend !== prev.backend) bridge.send({ type: 'setBackend', backend: s.backend });
    if (s.maxIterations !== prev.maxIterations && isRunActive(s.run.state)) {
      bridge.send({ type: 'setMaxIterations', maxIterations: s.maxIterations });
    }
    if (s.settings !== prev.settings && isRunActive(s.run.state)) {
      const patch = liveDiff(prev.settings, s.settings);
      if (patch) bridge.send({ type: 'updateSettings', patch });
    }
  });
  return () => {
    unwatch();
    unwatchMask();
  };
}
