/**
 * Work on another backend than the active one without ending what lives on the active one (a
 * finished run's tensors): the size limit of the backend the next run goes to, before a switch.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeWeights, toTensors, type Vgg16Weights } from '../model/weights';
import { trySetBackend } from './backend';
import { shared } from './context';
import type { BackendName } from './protocol';

/**
 * `work` with weights of its own on `backend`, the active backend made active again after; null
 * where `backend` does not start (the switch then falls back to another and says so). Between
 * runs only: a finished run's tensors stay on the active backend meanwhile.
 */
export async function onBackend<T>(
  backend: BackendName,
  work: (weights: Vgg16Weights) => Promise<T>,
): Promise<T | null> {
  const raw = shared.rawWeights;
  const active = tf.getBackend() as BackendName;
  if (active === backend) return shared.weights ? work(shared.weights) : null;
  if (!raw) return null;
  if (!(await trySetBackend(backend))) {
    await trySetBackend(active);
    return null;
  }
  const weights = toTensors(raw);
  try {
    return await work(weights);
  } finally {
    disposeWeights(weights);
    await trySetBackend(active);
  }
}
