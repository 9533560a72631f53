/**
 * `npx tsx scripts/colour-modes.ts`: the README's before/after pictures of the colour modes. The
 * sample pair through the engine (Node, wasm, demo weights) with the style's colours, luminance
 * only, and colour matching; written side by side (content | style | each mode) to
 * docs/colour-modes.png. Flags: --size N (96), --iters N (20).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { PNG } from 'pngjs';
import { resizeToCover } from '../src/engine/preprocess';
import { StyleTransferRun } from '../src/engine/run';
import { DEFAULT_SETTINGS, type ColourMode } from '../src/engine/settings';
import { toTensors } from '../src/model/weights';
import { loadDemoWeights, readPng, ROOT, SAMPLE_CONTENT, SAMPLE_STYLE } from './bench/inputs';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '96' }, iters: { type: 'string', default: '20' } },
});
const size = Number(values.size);
const iters = Number(values.iters);

await tf.setBackend('wasm');
await tf.ready();
const weights = toTensors(loadDemoWeights());
const fullContent = readPng(SAMPLE_CONTENT);
const [ch, cw] = fullContent.shape;
const h = Math.round((size * ch) / Math.max(ch, cw));
const w = Math.round((size * cw) / Math.max(ch, cw));
const content = resizeToCover(fullContent, h, w);
const style = readPng(SAMPLE_STYLE);
const panels: tf.Tensor3D[] = [content, resizeToCover(style, h, w)];
for (const colourMode of ['none', 'luminance', 'match'] as ColourMode[]) {
  const t0 = performance.now();
  const run = new StyleTransferRun(weights, content, style, { ...DEFAULT_SETTINGS, colourMode });
  for (let i = 0; i < iters; i++) (await run.step()).image.dispose();
  panels.push(run.currentImage());
  run.dispose();
  console.log(
    `${colourMode}: ${iters} iterations in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}
const gap = 4;
const strip = new PNG({ width: panels.length * (w + gap) - gap, height: h });
strip.data.fill(255);
panels.forEach((p, k) => {
  const d = p.dataSync();
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * strip.width + k * (w + gap) + x) * 4;
      for (let c = 0; c < 3; c++)
        strip.data[o + c] = Math.max(0, Math.min(255, Math.round(d[(y * w + x) * 3 + c])));
      strip.data[o + 3] = 255;
    }
});
const out = join(ROOT, 'docs', 'colour-modes.png');
writeFileSync(out, PNG.sync.write(strip));
console.log(
  `wrote ${out} (${strip.width}x${strip.height}): content | style | style's colours | luminance only | colour matching`,
);
