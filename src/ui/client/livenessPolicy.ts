/**
 * Watches a run in progress for a worker that stopped answering (no error event comes for a
 * worker that closed itself or hangs): a silence past the bound of ../liveness.ts fails the bridge.
 */
import { describeSilence, LivenessWatch } from '../liveness';
import { useStore } from '../store';
import type { StyleBridge } from './bridge';

export function watchLiveness(bridge: StyleBridge): LivenessWatch {
  const watch = new LivenessWatch((silence) =>
    bridge.fail(`it stopped answering: ${describeSilence(silence)}`),
  );
  bridge.subscribe((msg) => {
    switch (msg.type) {
      case 'state':
        // A run in progress is watched; a paused, finished or stopped one expects nothing.
        if (msg.state === 'running') watch.between();
        else if (msg.state === 'starting') watch.starting();
        else watch.stop();
        break;
      case 'stepStart':
        watch.stepStarted(msg.iteration, msg.expectedMs);
        break;
      case 'tileProgress':
        // A tiled step reports each tile: alive, however long the whole step is.
        watch.tileDone();
        break;
      case 'iteration':
        if (useStore.getState().run.state === 'running') watch.between();
        break;
    }
  });
  // A failed worker is replaced: its silence means nothing more.
  bridge.onFailure(() => watch.stop());
  return watch;
}
