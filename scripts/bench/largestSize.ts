/**
 * `npx tsx scripts/bench/largestSize.ts [--verify]`: the largest output each Node backend holds
 * here, by the app's own estimate (src/engine/memoryEstimate.ts: tf.memory() growth per pixel at 32
 * and 64 px, default layers) under the budget the worker uses for that backend; --verify then runs
 * one real iteration (targets, forward, backward) at that size on wasm and reports its peak.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  checkOutputSize,
  estimatePeakBytes,
  formatBytes,
  measureIterationPeak,
  measureMemoryModel,
  WASM_HEAP_BYTES,
  WASM_USABLE_SHARE,
} from '../../src/engine/memoryEstimate';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { disposeWeights, toTensors } from '../../src/model/weights';
import { loadDemoWeights } from './inputs';

const { values } = parseArgs({ options: { verify: { type: 'boolean', default: false } } });
const raw = loadDemoWeights();
const budgets = { wasm: WASM_USABLE_SHARE * WASM_HEAP_BYTES, cpu: 2 * 2 ** 30 };
for (const backend of ['wasm', 'cpu'] as const) {
  await tf.setBackend(backend);
  await tf.ready();
  const weights = toTensors(raw);
  const model = await measureMemoryModel(weights, DEFAULT_SETTINGS);
  const budget = budgets[backend] - tf.memory().numBytes;
  const square = checkOutputSize(model, 4096, 4096, { budgetBytes: budget, maxTextureSize: null });
  const wide = checkOutputSize(model, 3072, 4096, { budgetBytes: budget, maxTextureSize: null });
  const largest = (v: typeof square) => (v.fits ? 4096 : v.largestLongSide);
  console.log(
    `${backend}: ${(model.bytesPerPixel / 1024).toFixed(2)} KiB per pixel + ${formatBytes(model.fixedBytes)}; ` +
      `budget ${formatBytes(budget)}; largest square ${largest(square)} px, largest 4:3 ${largest(wide)} px ` +
      `(samples ${model.samples.map(([p, b]) => `${Math.sqrt(p)} px ${formatBytes(b)}`).join(', ')})`,
  );
  if (values.verify && backend === 'wasm') {
    const s = largest(square);
    const t0 = performance.now();
    const peak = await measureIterationPeak(weights, DEFAULT_SETTINGS, s, s);
    console.log(
      `wasm: one iteration at ${s}x${s} ran, peak ${formatBytes(peak)} (estimate ` +
        `${formatBytes(estimatePeakBytes(model, s, s))}), ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  disposeWeights(weights);
}
