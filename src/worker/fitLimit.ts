/**
 * The largest output that fits on this device and backend, for a content shape and the settings'
 * layers, on the backend the next run goes to: the page shows it next to the size field, and
 * refuses a larger size before Start discards anything. From the same memory model the run's own
 * check uses (./memoryCheck.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { sizeWithLongSide } from '../common/stagePlan';
import { post } from './context';
import { TILED_MAX_LONG_SIDE } from '../engine/tiles/tiledMemory';
import { estimateFit } from './memoryCheck';
import type { BackendName, ToWorker } from './protocol';
import { onBackend } from './onBackend';

/** The size field's own upper bound (src/ui/geometry.ts MAX_LONG_SIDE; tiles reach it). */
const LARGEST_ASKED = TILED_MAX_LONG_SIDE;

export async function fitLimit(msg: Extract<ToWorker, { type: 'fitLimit' }>): Promise<void> {
  // The backend the page's next run goes to, which need not be the active one (Auto's pick).
  const backend = msg.backend ?? (tf.getBackend() as BackendName);
  const [h, w] = sizeWithLongSide(msg.height, msg.width, LARGEST_ASKED);
  const verdict = await onBackend(backend, (weights) => estimateFit(weights, msg.settings, w, h));
  if (!verdict) return;
  post({
    type: 'fitLimit',
    requestId: msg.requestId,
    backend,
    largestLongSide: verdict.fits ? null : verdict.largestLongSide,
    // Above it, stages run in tiles.
    untiledLongSide: verdict.untiledLongSide >= LARGEST_ASKED ? null : verdict.untiledLongSide,
  });
}
