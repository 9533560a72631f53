/**
 * Mask edits reach a running run: every committed change (a stroke's release, a fill, undo, a
 * job, the on/off switch) is sent, and the worker applies it at the next iteration.
 */
import type { SpatialMask } from '../../worker/protocol';
import { isRunActive, useStore } from '../store';
import { maskForRun, useMask } from './maskStore';

/** The mask for the current styles (what a start sends too). */
export function runMask(styleCount: number): SpatialMask | null {
  return maskForRun(styleCount);
}

/** Calls `send` with the new mask on each change while a run is active; returns the unsubscribe. */
export function watchMask(send: (mask: SpatialMask | null) => void): () => void {
  return useMask.subscribe((s, prev) => {
    if (s.version === prev.version) return;
    const st = useStore.getState();
    if (!isRunActive(st.run.state)) return;
    send(maskForRun(1 + st.extraStyles.length));
  });
}
