/**
 * `npx tsx scripts/bench/tiles.ts [--size 512] [--iterations 6] [--tile 256] [--overlap 64]
 * [--peak-size 2048] [--pair samples|pattern|both] [--mode all|quality|memory]` (issue 21), on
 * Node's wasm backend with the demo VGG16 and default settings:
 *
 * - Quality, for two image pairs (the bundled samples and the synthetic pattern pair): an untiled
 *   run (engine Adam) and a tiled stage (TiledStage) from the same start image for the same number
 *   of iterations (one pass = one iteration); J of each final image evaluated untiled; seams: mean
 *   |Laplacian| on the cut lines of every pass's grid over the mean off them, for the tiled result
 *   (and, as the reference a seamless image gives, for the untiled one on the same lines).
 * - Memory, each in a fresh process (the wasm heap only grows): the peak of one untiled iteration
 *   at 512 px (memoryEstimate's measureIterationPeak), and the peak of a tiled final stage at
 *   peak-size x 2/3 of it: the stage's tensors (style targets from a full-size resize, the Gram
 *   estimate, the directions) and its largest tiles, each sweep's tiles evaluated up to the first
 *   full tileSize x tileSize window (every window is at most that, and nothing the stage holds
 *   grows with the number of tiles). tf.profile's peakBytes and the wasm heap's size after.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { formatBytes, measureIterationPeak } from '../../src/engine/memoryEstimate';
import { initialImage } from '../../src/engine/init';
import { lossTerms, styleObjective } from '../../src/engine/objective';
import { Adam } from '../../src/engine/optimizers/adam';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { StyleTargets } from '../../src/engine/targets';
import { patternImage } from '../../src/engine/testing';
import type { Tile } from '../../src/engine/tiles/grid';
import { TiledStage } from '../../src/engine/tiles/tiledStage';
import { disposeWeights, toTensors } from '../../src/model/weights';
import { loadDemoWeights, problemImages, readPng, SAMPLE_CONTENT, SAMPLE_STYLE } from './inputs';
import { peakOfTiledStage } from './tilesPeak';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '512' },
    iterations: { type: 'string', default: '6' },
    tile: { type: 'string', default: '256' },
    overlap: { type: 'string', default: '64' },
    'peak-size': { type: 'string', default: '2048' },
    mode: { type: 'string', default: 'all' },
    pair: { type: 'string', default: 'both' },
    gram: { type: 'string', default: 'fresh' },
  },
});
const size = Number(args.size);
const iterations = Number(args.iterations);
const tileOpts = { tileSize: Number(args.tile), overlap: Number(args.overlap) };
const gramModes = args.gram.split(',') as ('previous' | 'fresh')[];
const S = DEFAULT_SETTINGS;
const heapBytes = () =>
  (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;

await tf.setBackend('wasm');
await tf.ready();
const weights = toTensors(loadDemoWeights());

/** Mean |4-neighbour Laplacian| (channel mean) on the cut lines of a grid and off them. */
function seamRatio(img: Float32Array, h: number, w: number, grid: Tile[]): number {
  const onCut = new Uint8Array(h * w);
  const rowCuts = new Set(grid.map((t) => t.rows.start).filter((c) => c > 0));
  const colCuts = new Set(grid.map((t) => t.cols.start).filter((c) => c > 0));
  for (const c of rowCuts)
    for (let x = 0; x < w; x++) onCut[(c - 1) * w + x] = onCut[c * w + x] = 1;
  for (const c of colCuts) for (let y = 0; y < h; y++) onCut[y * w + c - 1] = onCut[y * w + c] = 1;
  const sum = [0, 0];
  const n = [0, 0];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      let lap = 0;
      for (let k = 0; k < 3; k++) {
        const at = (yy: number, xx: number) => img[(yy * w + xx) * 3 + k];
        lap += Math.abs(4 * at(y, x) - at(y - 1, x) - at(y + 1, x) - at(y, x - 1) - at(y, x + 1));
      }
      const i = onCut[y * w + x];
      sum[i] += lap / 3;
      n[i]++;
    }
  }
  return sum[1] / n[1] / (sum[0] / n[0]);
}

async function quality(name: string, content: tf.Tensor3D, style: tf.Tensor3D) {
  const [h, w] = content.shape;
  const start = initialImage(S.init, content, style, S.noiseRatio, S.seed);
  const targets = new StyleTargets(weights, tf.clone(content), [tf.clone(style)]);
  targets.sync(
    S.contentLayer,
    S.styleLayers.map((l) => l.name),
  );
  const jOf = async (x: tf.Tensor3D) => {
    const r = tf.tidy(() => lossTerms(weights, targets, S, x).report);
    const v = (await r.data())[0];
    r.dispose();
    return v;
  };
  let x = tf.clone(start);
  const adam = new Adam({ learningRate: S.learningRate }, { lo: 0, hi: 255 });
  const objective = styleObjective(weights, targets, () => S, [h, w, 3]);
  let t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const out = await adam.step(x, objective);
    if (out.next) {
      x.dispose();
      x = out.next as tf.Tensor3D;
    }
  }
  const untiledS = (performance.now() - t0) / 1000;
  adam.dispose();
  const untiledImg = Float32Array.from(await x.data());
  const jUntiled = await jOf(x);
  x.dispose();

  const [cBuf, sBuf] = [
    Float32Array.from(await content.data()),
    Float32Array.from(await start.data()),
  ];
  for (const gram of gramModes) {
    t0 = performance.now();
    const opts = { ...tileOpts, gram };
    const stage = (await TiledStage.create(weights, S, [h, w], cBuf, sBuf, [style], opts))!;
    const grids: Tile[][] = [];
    for (let i = 0; i < iterations; i++) {
      grids.push(stage.nextGrid());
      await stage.pass();
    }
    const tiledS = (performance.now() - t0) / 1000;
    const tiledImg = stage.image();
    stage.dispose();
    const tiledT = tf.tensor3d(tiledImg, [h, w, 3]);
    const jTiled = await jOf(tiledT);
    tiledT.dispose();
    const seams = grids.map((g) => [seamRatio(tiledImg, h, w, g), seamRatio(untiledImg, h, w, g)]);
    const worst = Math.max(...seams.map(([t]) => t));
    console.log(
      `${name}: ${h}x${w}, ${iterations} iterations; J untiled ${jUntiled.toPrecision(5)} (${untiledS.toFixed(0)} s), ` +
        `tiled (${gram} Gram) ${jTiled.toPrecision(5)} (${tiledS.toFixed(0)} s, grids of ${grids.map((g) => g.length).join('/')} tiles); ` +
        `tiled/untiled ${(jTiled / jUntiled).toFixed(4)}; seam ratio per pass (tiled | untiled on the same lines): ` +
        seams.map(([a, b]) => `${a.toFixed(3)}|${b.toFixed(3)}`).join(' ') +
        `; worst ${worst.toFixed(3)}`,
    );
  }
  targets.dispose();
  start.dispose();
}

function childPeak(mode: string): string {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, ...process.argv.slice(2), '--mode', mode],
    {
      encoding: 'utf8',
    },
  );
  return (
    (r.stdout + r.stderr)
      .split('\n')
      .filter((l) => l.startsWith('peak'))
      .join('\n') || r.stderr.slice(-2000)
  );
}

if (args.mode === 'peak-untiled') {
  const peak = await measureIterationPeak(weights, S, 512, 512);
  console.log(
    `peak untiled 512x512: tensors ${formatBytes(peak)} (${peak}), wasm heap ${formatBytes(heapBytes())} (${heapBytes()})`,
  );
} else if (args.mode === 'peak-tiled') {
  const side = Number(args['peak-size']);
  const [h, w] = [Math.round((side * 2) / 3), side];
  const r = await peakOfTiledStage(
    weights,
    S,
    readPng(SAMPLE_CONTENT),
    readPng(SAMPLE_STYLE),
    [h, w],
    tileOpts,
  );
  console.log(
    `peak tiled ${h}x${w} (tiles ${tileOpts.tileSize}/${tileOpts.overlap}, ${r.tiles} tiles a pass, ${r.evaluated} evaluated, ${r.seconds.toFixed(0)} s): ` +
      `tensors ${formatBytes(r.peakBytes)} (${r.peakBytes}), wasm heap ${formatBytes(heapBytes())} (${heapBytes()}), ` +
      `CPU buffers ${formatBytes(r.bufferBytes)}`,
  );
} else {
  console.log(
    `load average at start: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  if (args.mode === 'all' || args.mode === 'quality') {
    if (args.pair !== 'pattern') {
      const samples = problemImages(size);
      await quality('samples', samples.content, samples.style);
      tf.dispose([samples.content, samples.style]);
    }
    if (args.pair !== 'samples') {
      const [c, s] = [patternImage(size, 'content'), patternImage(size, 'style')];
      await quality('pattern', c, s);
      tf.dispose([c, s]);
    }
  }
  if (args.mode === 'all' || args.mode === 'memory') {
    const a = childPeak('peak-untiled');
    const b = childPeak('peak-tiled');
    console.log(a);
    console.log(b);
    const num = (line: string, what: string) =>
      Number(new RegExp(`${what} [^(]*\\((\\d+)\\)`).exec(line)?.[1]);
    console.log(
      `tiled/untiled peak: tensors ${(num(b, 'tensors') / num(a, 'tensors')).toFixed(3)}, wasm heap ${(num(b, 'heap') / num(a, 'heap')).toFixed(3)}`,
    );
  }
  console.log(
    `load average at end: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
}
disposeWeights(weights);
