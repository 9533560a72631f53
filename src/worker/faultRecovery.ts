/**
 * Faults the run survives, on the run object: its checkpoint (the last good image and the engine's
 * state, CPU-side, sent to the page with every good iteration so that a replaced worker can resume
 * it), and the rebuild after a lost WebGL context (a fresh backend, the weights again from their raw
 * arrays, a new run from the checkpoint) that resumes from the last good image.
 */
import * as tf from '@tensorflow/tfjs';
import type { StyleSettings } from '../engine/settings';
import { StagedRun, type StagedCheckpoint } from '../engine/stages';
import { activateBackend } from './backend';
import { shared } from './context';
import { messageOf } from './errors';
import { pixelsOf, pixelsToTensor } from './pixels';

import type { GoodImage, RunHandle, RunInputs } from './runTypes';
import { contextLost, replaceWebglBackend, whenContextLost } from './webglRecovery';
import { dropWeightTensors, rebuildWeightTensors } from './weightsJobs';

/** What a rebuilt run needs after a fault: the inputs, settings and last good state, CPU-side. */
export interface RunCheckpoint {
  settings: StyleSettings;
  inputs: RunInputs;
  good: GoodImage;
  maxIterations: number;
  /** Stage, image, iteration and optimiser state in the engine's terms (null: none at good). */
  state: StagedCheckpoint | null;
}

/**
 * Takes the run's state at lastGood and sends the page its copy (without L-BFGS' pairs: up to 20
 * image-sized arrays per iteration would be too much to copy). Raced against a lost context, on
 * which the read never settles; false when the context was lost.
 */
export async function saveEngineState(h: RunHandle, r: StagedRun): Promise<boolean> {
  const watch = whenContextLost();
  let cp: StagedCheckpoint | 'lost';
  try {
    cp = await Promise.race([r.checkpoint(), watch.lost]);
  } catch {
    // The run goes on without one: recovery would resume from the image alone.
    h.engineState = null;
    return true;
  } finally {
    watch.cancel();
  }
  // Read on a lost context the arrays may be zeros: keep none.
  const state = cp === 'lost' || contextLost() ? null : cp;
  h.engineState = state;
  if (!state) return false;
  const opt = state.run.optimizer;
  const forPage: StagedCheckpoint =
    opt.kind === 'lbfgs'
      ? { ...state, run: { ...state.run, optimizer: { ...opt, pairs: [] } } }
      : state;
  h.ports.post({ type: 'checkpoint', checkpoint: forPage });
  return true;
}

export function checkpoint(h: RunHandle): RunCheckpoint | null {
  const { settings, inputs, lastGood: good } = h;
  if (!settings || !inputs || !good) return null;
  // A state taken at another iteration than the last good image's is of no use.
  const state = h.engineState?.iteration === good.iteration ? h.engineState : null;
  return { settings, inputs, good, maxIterations: h.maxIterations, state };
}

/** A new run from a checkpoint, on the current backend and weights, counting on from its image. */
export function rebuildRun(h: RunHandle, cp: RunCheckpoint): void {
  const weights = h.ports.weights();
  if (!weights) throw new Error('no weights to rebuild the run with');
  const content = pixelsToTensor(cp.inputs.content);
  const styles = pixelsOf(cp.inputs.styles);
  const image = tf.tensor3d(cp.good.rgb, [cp.good.height, cp.good.width, 3]);
  try {
    // Back in the stage the last good image came from, counting on from its iteration.
    h.run = new StagedRun(
      weights,
      content,
      styles,
      cp.settings,
      cp.maxIterations,
      { stage: cp.good.stage.index, iteration: cp.good.iteration, image },
      cp.inputs.mask,
      h.tiling,
    );
    // Image, iteration and optimiser state (Adam's moments, L-BFGS' pairs) as they were.
    if (cp.state) h.run.restore(cp.state);
  } finally {
    content.dispose();
    tf.dispose(styles);
    image.dispose();
  }
  h.iterBase = 0;
  // The new context compiles its shaders again: the next step's length is unknown.
  h.avgStepMs = 0;
  h.ports.draw(cp.good);
}

/**
 * After the WebGL context was lost mid-run: a fresh webgl backend, the weights again from their raw
 * arrays, and a new run from the CPU copies of the inputs and of the last good image. It resumes
 * (counting on from that image's iteration) unless the run was stopped meanwhile.
 */
export async function recoverFromContextLoss(h: RunHandle, token: number): Promise<void> {
  const cp = checkpoint(h);
  if (!shared.rawWeights || !cp) return;
  const lostAt = cp.good.iteration;
  // Rebuilding (backend, weights, targets: every shader compiled again) can outlast the page's
  // bound for the step that was lost: it is announced as a step of unknown length.
  h.ports.post({ type: 'stepStart', iteration: lostAt + 1, expectedMs: null });
  // Tensors of the lost context cannot be read; dispose them only to clear tfjs' bookkeeping.
  h.abandonRun();
  try {
    dropWeightTensors();
  } catch {
    shared.weights = null;
  }
  try {
    replaceWebglBackend();
    const pick = await activateBackend(shared.backendChoice, shared.calibration);
    h.ports.post({ type: 'backend', requested: shared.backendChoice, ...pick });
    rebuildWeightTensors();
    rebuildRun(h, cp);
  } catch (e) {
    h.ports.post({
      type: 'error',
      where: 'backend',
      message: `The WebGL context was lost and the backend could not be rebuilt: ${messageOf(e)}`,
    });
    h.fire('recoveryFailed', 'Stopped after the WebGL context was lost.');
    return;
  }
  const note = `The WebGL context was lost at iteration ${lostAt + 1}; rebuilt the backend and resumed from iteration ${lostAt}${cp.state ? " with the optimiser's state" : ''}.`;
  if (h.isCurrentRunning(token)) h.startLoop(note, 'recovered');
  else h.ports.post({ type: 'error', where: 'step', message: note });
}
