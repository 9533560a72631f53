/**
 * The worker's long-lived resources: which tfjs backend runs, and which VGG16 weights it holds.
 * Either change ends the run in progress (tensors belong to one backend; a run to one network).
 */
import { loadWeights, WeightsFormatError, WeightsNotFoundError } from '../model/loader';
import { disposeWeights, toTensors } from '../model/weights';
import { activateBackend } from './backend';
import { calibrate, calibrationValid } from './calibration';
import { post, shared } from './context';
import { messageOf } from './errors';
import type { BackendChoice, ToWorker } from './protocol';
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
 * Measures every backend with the loaded weights, then applies the backend choice again (Auto now
 * goes to the fastest). Runs on the first visit (no valid cached figures) and on request.
 */
export async function calibrateBackends(run: RunHandle): Promise<void> {
  if (!shared.rawWeights) {
    post({ type: 'error', where: 'backend', message: 'Load weights before measuring backends.' });
    return;
  }
  const raw = shared.rawWeights;
  await run.disposeRun();
  dropWeightTensors();
  try {
    shared.calibration = await calibrate(raw, (backend, index, count) =>
      post({ type: 'calibrating', backend, index, count }),
    );
    post({ type: 'calibrated', calibration: shared.calibration });
  } catch (e) {
    post({
      type: 'error',
      where: 'backend',
      message: `Measuring backends failed: ${messageOf(e)}`,
    });
  }
  await setBackend(run, shared.backendChoice);
}

/** After weights arrive: Auto without valid figures for this device measures first. */
async function calibrateIfNeeded(run: RunHandle): Promise<void> {
  if (shared.backendChoice === 'auto' && !calibrationValid(shared.calibration)) {
    await calibrateBackends(run);
  }
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
    await calibrateIfNeeded(run);
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
