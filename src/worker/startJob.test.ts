/**
 * A Start that switches backend (Auto picked another for the run's size) is checked on the new
 * backend before the switch ends the run before it: a refusal keeps the finished result. The
 * "other backend" is tfjs' cpu backend registered under the name 'webgl' (no GPU in Node), with
 * the same memory model and WebGL's limits (half the device memory, at least 1 GiB).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { SHALLOW_SETTINGS } from '../engine/testing';
import { randomVgg16Weights } from '../model/randomWeights';
import { disposeWeights, toTensors } from '../model/weights';
import { shared } from './context';
import type { FromWorker, PixelImage, ToWorker } from './protocol';
import { RunController } from './runController';
import { startJob } from './startJob';

// Two layers: the memory model measures two iterations per backend, cheap at this depth.
const SETTINGS = {
  ...SHALLOW_SETTINGS,
  contentLayer: 'block1_conv2' as const,
  styleLayers: [{ name: 'block1_conv1' as const, weight: 1 }],
};

function rgba(width: number, height: number, seed: number): PixelImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101) % 256;
  return { width, height, data: data.buffer };
}

function startMessage(side: number, backend?: 'webgl'): Extract<ToWorker, { type: 'start' }> {
  return {
    type: 'start',
    content: rgba(side, side, 1),
    styles: [rgba(16, 16, 2)],
    settings: SETTINGS,
    maxIterations: 1,
    backend,
  };
}

beforeAll(async () => {
  // The worker's limits read self.navigator (a worker's globals): 4 GiB, so WebGL gets 2 GiB.
  vi.stubGlobal('self', globalThis);
  vi.stubGlobal('navigator', { deviceMemory: 4 });
  const cpu = tf.findBackend('cpu') ?? (await tf.setBackend('cpu'), tf.findBackend('cpu'));
  const CpuBackend = cpu!.constructor as new () => tf.KernelBackend;
  // In Node the WebGL backend is registered only where its module is loaded.
  if (tf.findBackendFactory('webgl')) tf.removeBackend('webgl');
  for (const k of tf.getKernelsForBackend('webgl')) tf.unregisterKernel(k.kernelName, 'webgl');
  tf.registerBackend('webgl', () => new CpuBackend());
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'webgl' });
  tf.env().set('WEBGL_MAX_TEXTURE_SIZE', 16384);
  await tf.setBackend('cpu');
  shared.rawWeights = randomVgg16Weights(1, 'block1_conv2');
  shared.weights = toTensors(shared.rawWeights);
});

afterAll(() => {
  vi.unstubAllGlobals();
  if (shared.weights) disposeWeights(shared.weights);
  shared.weights = null;
  shared.rawWeights = null;
});

it('a size the new backend refuses leaves the finished run and its backend as they were', async () => {
  const posted: FromWorker[] = [];
  const run = new RunController({
    post: (m) => posted.push(m),
    weights: () => shared.weights,
    draw: () => {},
    contextLost: () => {
      throw new Error('no context to lose on cpu');
    },
    close: () => {},
  });
  await startJob(run, startMessage(16), run.startTicket());
  while (run.phase !== 'done') await new Promise((r) => setTimeout(r, 5));
  const result = run.lastGood;
  expect(result).not.toBeNull();

  // 2048×2048 on 'webgl' (at most 2 GiB here): far more than fits untiled, and brightness-only
  // colours cannot run in tiles (issue 21), so it is refused.
  const refused = startMessage(2048, 'webgl');
  refused.settings = { ...refused.settings, colourMode: 'luminance' };
  await startJob(run, refused, run.startTicket());
  const refusal = posted.find((m) => m.type === 'error');
  expect(refusal).toMatchObject({ type: 'error', where: 'start' });
  expect((refusal as { message: string }).message).toMatch(/will not fit/);
  // Nothing was dropped: the same backend, the same finished run, its image still downloadable.
  expect(tf.getBackend()).toBe('cpu');
  expect(run.phase).toBe('done');
  expect(run.run).not.toBeNull();
  expect(run.lastGood).toBe(result);
  expect(posted.at(-1)).toMatchObject({ type: 'state', state: 'done', width: 16, height: 16 });
  await run.disposeRun();
});
