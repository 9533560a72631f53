/**
 * Where a step's time goes, kernel by kernel: tf.profile of one full iteration and of one bare
 * VGG16 forward+backward on the same image, sorted by the extra time of the full one.
 *   node --import tsx scripts/bench/kernelProfile.ts [size=64] [backend=wasm|cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { StyleTransferRun } from '../../src/engine/run';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { toTensors } from '../../src/model/weights';
import { bareForwardBackward } from '../../src/worker/bench';
import { loadDemoWeights, problemImages } from './inputs';
import { useBackend } from './node';
const size = Number(process.argv[2] ?? 64);
await useBackend((process.argv[3] ?? 'wasm') as 'wasm' | 'cpu');
const w = toTensors(loadDemoWeights());
const { content, style } = problemImages(size);
const run = new StyleTransferRun(w, content, style, DEFAULT_SETTINGS);
(await run.step()).image.dispose();
const agg = async (f: () => void | Promise<void>) => {
  const p = await tf.profile(f);
  const m = new Map<string, [number, number]>();
  let tot = 0;
  for (const k of p.kernels) {
    const ms = k.kernelTimeMs as number;
    tot += ms;
    const e = m.get(k.name) ?? [0, 0];
    e[0] += ms;
    e[1]++;
    m.set(k.name, e);
  }
  return { tot, n: p.kernels.length, m };
};
const img = run.currentImage();
await bareForwardBackward(w, img, 'block5_conv1');
const bare = await agg(async () => {
  await bareForwardBackward(w, img, 'block5_conv1');
});
const full = await agg(async () => {
  (await run.step()).image.dispose();
});
console.log(
  'kernel ms: bare',
  bare.tot.toFixed(0),
  `(${bare.n} kernels)`,
  'full',
  full.tot.toFixed(0),
  `(${full.n} kernels)`,
);
console.log('kernel'.padEnd(28), 'full ms'.padStart(8), 'bare ms'.padStart(8), 'n full', 'n bare');
const names = new Set([...bare.m.keys(), ...full.m.keys()]);
const rows = [...names].map(
  (n) =>
    [
      n,
      full.m.get(n)?.[0] ?? 0,
      bare.m.get(n)?.[0] ?? 0,
      full.m.get(n)?.[1] ?? 0,
      bare.m.get(n)?.[1] ?? 0,
    ] as const,
);
rows.sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
for (const r of rows.slice(0, 12))
  console.log(
    r[0].padEnd(28),
    r[1].toFixed(1).padStart(8),
    r[2].toFixed(1).padStart(8),
    r[3],
    r[4],
  );
