/**
 * The largest output that fits on this device and backend, for a content shape and the settings'
 * layers: the page shows it next to the size field, and refuses a larger size before Start
 * discards anything. From the same memory model the run's own check uses (./memoryCheck.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { sizeWithLongSide } from '../common/stagePlan';
import { post, shared } from './context';
import { estimateFit } from './memoryCheck';
import type { BackendName, ToWorker } from './protocol';

/** The size field's own upper bound (src/ui/geometry.ts MAX_LONG_SIDE). */
const LARGEST_ASKED = 2048;

export async function fitLimit(msg: Extract<ToWorker, { type: 'fitLimit' }>): Promise<void> {
  const weights = shared.weights;
  if (!weights) return;
  const [h, w] = sizeWithLongSide(msg.height, msg.width, LARGEST_ASKED);
  const verdict = await estimateFit(weights, msg.settings, w, h);
  post({
    type: 'fitLimit',
    requestId: msg.requestId,
    backend: tf.getBackend() as BackendName,
    largestLongSide: verdict.fits ? null : verdict.largestLongSide,
  });
}
