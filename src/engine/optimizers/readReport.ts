import * as tf from '@tensorflow/tfjs';
import { readHolding } from '../heldReads';
import { allFinite, type Evaluation } from './types';

/**
 * An evaluation's report, and whether the report and the gradient are all finite, in one readback
 * (the report plus sum|grad|). The evaluation's tensors are held meanwhile (see heldReads); the
 * caller still owns them.
 */
export async function readReport(
  ev: Evaluation,
): Promise<{ report: Float32Array; finite: boolean }> {
  const check = tf.tidy(() => tf.concat([ev.report, tf.sum(tf.abs(ev.grad)).reshape([1])]));
  const read = await readHolding(check, ev.loss, ev.grad, ev.report);
  check.dispose();
  return { report: read.slice(0, read.length - 1), finite: allFinite(read) };
}
