/**
 * Fault injection for the e2e tests: loaded (dynamic import) only when the page was opened with
 * ?debug, so the product worker never runs it otherwise.
 */
import type { DebugAction, FromWorker } from './protocol';
import type { RunHandle } from './runTypes';
import { loseContextForTest } from './webglRecovery';

export function debugAction(
  action: DebugAction,
  h: RunHandle,
  post: (msg: FromWorker) => void,
): void {
  if (action === 'closeSelf') {
    h.faults.closeAtNextStep = true;
    return;
  }
  if (action === 'failAllocation') {
    h.faults.failNextAllocation = true;
    return;
  }
  if (action === 'forceTiles') {
    h.faults.tileAbovePixels = 256 * 256;
    return;
  }
  if (action === 'loseContext') {
    if (!loseContextForTest()) {
      post({
        type: 'error',
        where: 'protocol',
        message: 'No WebGL context to lose (backend is not webgl).',
      });
    }
    return;
  }
  // Thrown from a timer so nothing catches it: the page sees the worker fail as it would for real.
  setTimeout(() => {
    throw new Error('Crash requested through the debug hook');
  });
}
