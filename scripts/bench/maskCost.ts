/**
 * What a spatial mask (issue 22) costs per step: full Adam steps at a size with SPEC's default
 * layers on the demo weights and samples, unmasked and with 2-region masks (left/right halves:
 * both styled, and styled + keep content), on tfjs wasm in Node. Rounds interleave the cases so
 * that a change in the machine's load falls on all of them; the ratio is of medians.
 *   node --import tsx scripts/bench/maskCost.ts [size=256] [rounds=5]
 */
import * as tf from '@tensorflow/tfjs';
import type { SpatialMask } from '../../src/engine/masks/spec';
import { StyleTransferRun } from '../../src/engine/run';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { disposeWeights, toTensors } from '../../src/model/weights';
import { loadDemoWeights, problemImages } from './inputs';
import { useBackend } from './node';

const size = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 5);
await useBackend('wasm');

function halves(second: SpatialMask['regions'][number]): SpatialMask {
  const [w, h] = [64, 64];
  const labels = Uint8Array.from({ length: w * h }, (_, i) => (i % w < w / 2 ? 1 : 2));
  return {
    width: w,
    height: h,
    labels,
    regions: [{ kind: 'style', style: 0 }, second],
    defaultRegion: 0,
  };
}

const cases: { name: string; mask: SpatialMask | null }[] = [
  { name: 'unmasked', mask: null },
  { name: '2 regions, both styled', mask: halves({ kind: 'style', style: 0 }) },
  { name: '2 regions, styled + keep content', mask: halves({ kind: 'content' }) },
];

const weights = toTensors(loadDemoWeights());
const { content, style } = problemImages(size);
const runs = cases.map(
  (c) => new StyleTransferRun(weights, content, style, DEFAULT_SETTINGS, c.mask),
);
const times = cases.map(() => [] as number[]);
// One warm-up step each (allocations, XNNPACK packing), then interleaved timed rounds.
for (const run of runs) (await run.step()).image.dispose();
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < runs.length; i++) {
    const t0 = performance.now();
    const step = await runs[i].step();
    times[i].push(performance.now() - t0);
    step.image.dispose();
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times[0]);
console.log(`| ${size} px, Adam, default layers, ${rounds} rounds | median ms/step | ÷ unmasked |`);
console.log('|---|---|---|');
cases.forEach((c, i) => {
  const m = median(times[i]);
  console.log(`| ${c.name} | ${m.toFixed(0)} | ${(m / base).toFixed(3)} |`);
});
runs.forEach((r) => r.dispose());
tf.dispose([content, style]);
disposeWeights(weights);
