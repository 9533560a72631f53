/**
 * A bench request (npm run bench, through bench.html): measured with the worker's weights and its
 * own preview draw. The measuring code is loaded on the first request only, so the product
 * worker does not carry it.
 */
import { post, shared } from './context';
import { messageOf } from './errors';
import type { ToWorker } from './protocol';
import { draw, runState } from './runLoop';

export async function bench(msg: Extract<ToWorker, { type: 'bench' }>): Promise<void> {
  try {
    const weights = shared.weights;
    if (!weights) throw new Error('Load weights before benchmarking.');
    const state = runState();
    if (state === 'running' || state === 'starting') throw new Error('Stop the run first.');
    const { runBenchRequest } = await import('./bench');
    // An async readback, as the live loop does: WebGPU loses its device on dataSync.
    const result = await runBenchRequest(weights, msg.request, async (img) => {
      const [height, width] = img.shape;
      draw({ height, width, rgb: await img.data() });
    });
    post({ type: 'benchResult', requestId: msg.requestId, result, error: null });
  } catch (e) {
    post({ type: 'benchResult', requestId: msg.requestId, result: null, error: messageOf(e) });
  }
}
