/**
 * A Start as the worker's job queue runs it. The page picked the backend for the run's size; when
 * that is another backend than the active one, the size is checked on that backend first (its
 * memory model and limits), so a refusal leaves the run before it, a finished result, as it was.
 * Only then the switch, which ends that run (tensors belong to one backend).
 */
import * as tf from '@tensorflow/tfjs';
import { ALWAYS_FITS_PIXELS, refuseIfTooLarge } from './memoryCheck';
import { onBackend } from './onBackend';
import type { BackendName, StyleSettings, ToWorker } from './protocol';
import type { RunController } from './runController';
import { switchForRun } from './weightsJobs';

/** Why an output of this size will not fit on `backend`, or null. */
export async function refusalOnBackend(
  backend: BackendName,
  settings: StyleSettings,
  output: { width: number; height: number },
): Promise<string | null> {
  if (output.width * output.height <= ALWAYS_FITS_PIXELS) return null;
  const refusal = await onBackend(backend, (w) => refuseIfTooLarge(w, settings, output)).catch(
    () => null,
  );
  return refusal ?? null;
}

export async function startJob(
  run: RunController,
  msg: Extract<ToWorker, { type: 'start' }>,
  ticket: number,
): Promise<void> {
  if (msg.backend && msg.backend !== tf.getBackend()) {
    const refusal = await refusalOnBackend(msg.backend, msg.settings, msg.content);
    if (refusal) {
      run.refuseStart(refusal);
      return;
    }
    await switchForRun(run, msg.backend);
  }
  await run.start(msg, ticket);
}
