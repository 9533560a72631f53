/**
 * Faults the run survives: a lost WebGL context (rebuild the backend, the weights and the run from
 * CPU copies, and resume from the last good image), plus the debug hooks that provoke faults for
 * the e2e tests.
 */
import { activateBackend } from './backend';
import { post, shared } from './context';
import { messageOf } from './errors';
import {
  abandonRun,
  checkpoint,
  injectFault,
  isCurrentRunning,
  rebuildRun,
  setState,
  startLoop,
} from './runLoop';
import { loseContextForTest, replaceWebglBackend } from './webglRecovery';
import { dropWeightTensors, rebuildWeightTensors } from './weightsJobs';
import type { DebugAction } from './protocol';

/**
 * After the WebGL context was lost mid-run: a fresh webgl backend, the weights again from their raw
 * arrays, and a new run from the CPU copies of the inputs and of the last good image. It resumes
 * (counting on from that image's iteration) unless the run was stopped meanwhile.
 */
export async function recoverFromContextLoss(token: number): Promise<void> {
  const cp = checkpoint();
  if (!shared.rawWeights || !cp) return;
  const lostAt = cp.good.iteration;
  // Rebuilding (backend, weights, targets: every shader compiled again) can outlast the page's
  // bound for the step that was lost: it is announced as a step of unknown length.
  post({ type: 'stepStart', iteration: lostAt + 1, expectedMs: null });
  // Tensors of the lost context cannot be read; dispose them only to clear tfjs' bookkeeping.
  abandonRun();
  try {
    dropWeightTensors();
  } catch {
    shared.weights = null;
  }
  try {
    replaceWebglBackend();
    const pick = await activateBackend(shared.backendChoice, shared.calibration);
    post({ type: 'backend', requested: shared.backendChoice, ...pick });
    rebuildWeightTensors();
    rebuildRun(cp);
  } catch (e) {
    post({
      type: 'error',
      where: 'backend',
      message: `The WebGL context was lost and the backend could not be rebuilt: ${messageOf(e)}`,
    });
    setState('stopped', 'Stopped after the WebGL context was lost.');
    return;
  }
  const note = `The WebGL context was lost at iteration ${lostAt + 1}; rebuilt the backend and resumed from iteration ${lostAt}${cp.state ? " with the optimiser's state" : ''}.`;
  if (isCurrentRunning(token)) startLoop(note);
  else post({ type: 'error', where: 'step', message: note });
}

export function debugAction(action: DebugAction): void {
  if (!shared.debugEnabled) {
    post({
      type: 'error',
      where: 'protocol',
      message: 'Debug messages need the page opened with ?debug.',
    });
    return;
  }
  if (action === 'closeSelf' || action === 'failAllocation') {
    injectFault(action);
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
