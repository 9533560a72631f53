/**
 * The worker's long-lived resources: which tfjs backend runs, and which VGG16 weights it holds.
 * Either change ends the run in progress (tensors belong to one backend; a run to one network).
 */
import { loadWeights, WeightsFormatError, WeightsNotFoundError } from '../model/loader';
import { disposeWeights, toTensors } from '../model/weights';
import { activateBackend } from './backend';
import { post, shared } from './context';
import { messageOf } from './errors';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendName, ToWorker } from './protocol';
import type { RunHandle } from './runTypes';

/** Frees the weights' tensors (the raw arrays stay, to rebuild them on another backend). */
export function dropWeightTensors(): void {
  if (shared.weights) disposeWeights(shared.weights);
  shared.weights = null;
}

/** The weights as tensors on the current backend, from the raw arrays. */
export function rebuildWeightTensors(): void {
  dropWeightTensors();
  if (shared.rawWeights) shared.weights = toTensors(shared.rawWeights);
}

export async function setBackend(run: RunHandle, choice: BackendChoice): Promise<void> {
  shared.backendChoice = choice;
  const wasActive = run.hasRun();
  await run.disposeRun();
  dropWeightTensors();
  try {
    const pick = await activateBackend(choice, shared.calibration);
    post({ type: 'backend', requested: choice, ...pick });
  } catch (e) {
    post({ type: 'error', where: 'backend', message: messageOf(e) });
    return;
  }
  rebuildWeightTensors();
  if (wasActive) run.fire('backendChanged', 'The run stopped because the backend changed.');
}

/**
 * Before a run: the backend the page picked for it, if another is active (the run before it ends
 * now anyway). The person's choice (shared.backendChoice) stays as it is.
 */
export async function switchForRun(run: RunHandle, name: BackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  await run.disposeRun();
  dropWeightTensors();
  try {
    const pick = await activateBackend(name, shared.calibration);
    post({ type: 'backend', requested: shared.backendChoice, ...pick });
  } catch (e) {
    post({ type: 'error', where: 'backend', message: messageOf(e) });
  }
  rebuildWeightTensors();
}

export async function loadWeightsRequest(
  run: RunHandle,
  msg: Extract<ToWorker, { type: 'loadWeights' }>,
): Promise<void> {
  try {
    const baseUrl = new URL(import.meta.env.BASE_URL + 'models/', self.location.origin);
    const loaded = await loadWeights(msg.source, {
      baseUrl,
      onProgress: (p) => post({ type: 'weightsProgress', ...p }),
    });
    await run.disposeRun();
    shared.rawWeights = loaded.raw;
    rebuildWeightTensors();
    if (run.runState() !== 'idle') run.fire('weightsChanged');
    shared.weightsInUse = { label: loaded.label, origin: loaded.origin, bytes: loaded.bytes };
    post({ type: 'weightsLoaded', ...shared.weightsInUse });
  } catch (e) {
    // Nothing was replaced: the weights in use (and any run on them) go on.
    const kind =
      e instanceof WeightsNotFoundError
        ? 'not-found'
        : e instanceof WeightsFormatError
          ? 'format'
          : 'other';
    post({
      type: 'weightsError',
      kind,
      message: messageOf(e),
      inUse: shared.rawWeights ? shared.weightsInUse : null,
    });
  }
}
