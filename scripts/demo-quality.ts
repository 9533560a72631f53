/**
 * What "the demo weights visibly transfer style" means, as numbers (issue 15), and a run that
 * measures them: Gatys on the bundled samples with the engine's defaults, on tfjs' wasm backend.
 *  - colour: the distance between the image's and the style's colour mean and covariance;
 *  - pixel noise: the mean absolute Laplacian;
 *  - content kept: the correlation of Gaussian-blurred (sigma 4 px) luminance with the content's.
 *   node --import tsx scripts/demo-quality.ts [--model dir] [--size 128] [--iterations 150]
 *     [--pair samples|unseen] [--png out.png] [--pair-png prefix (writes prefix-content.png, -style.png)]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { PNG } from 'pngjs';
import type { SpatialMask } from '../src/engine/masks/spec';
import { StagedRun, type StagedStepResult } from '../src/engine/stages';
import { DEFAULT_SETTINGS } from '../src/engine/settings';
import { decodeModel, parseModelJson, shardPaths } from '../src/model/format';
import { disposeWeights, toTensors, type RawVgg16Weights } from '../src/model/weights';
import { problemImages } from './bench/inputs';
import { unseenPair } from './unseen-pair';

/** An RGB 0..255 image, row-major [h, w, 3]. */
export interface RgbImage {
  data: Float32Array;
  h: number;
  w: number;
}

function meanAndCovariance(img: RgbImage): { mean: number[]; cov: number[][] } {
  const n = img.h * img.w;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c] += img.data[i * 3 + c] / n;
  const cov = [0, 1, 2].map(() => [0, 0, 0]);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        cov[a][b] += ((img.data[i * 3 + a] - mean[a]) * (img.data[i * 3 + b] - mean[b])) / n;
      }
    }
  }
  return { mean, cov };
}

/**
 * sqrt(|mean_a - mean_b|^2 + |cov_a - cov_b|_F), in pixel units: 0 when the two images have the
 * same colour mean and covariance (the colour statistics a style carries).
 */
export function colourDistance(a: RgbImage, b: RgbImage): number {
  const [sa, sb] = [meanAndCovariance(a), meanAndCovariance(b)];
  let dMean = 0;
  let dCov = 0;
  for (let i = 0; i < 3; i++) {
    dMean += (sa.mean[i] - sb.mean[i]) ** 2;
    for (let j = 0; j < 3; j++) dCov += (sa.cov[i][j] - sb.cov[i][j]) ** 2;
  }
  return Math.sqrt(dMean + Math.sqrt(dCov));
}

/** Mean |4-neighbour Laplacian| over interior pixels and the three channels: pixel-level noise. */
export function meanAbsLaplacian(img: RgbImage): number {
  const { data, h, w } = img;
  const at = (y: number, x: number, c: number) => data[(y * w + x) * 3 + c];
  let sum = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let c = 0; c < 3; c++) {
        sum += Math.abs(
          at(y - 1, x, c) + at(y + 1, x, c) + at(y, x - 1, c) + at(y, x + 1, c) - 4 * at(y, x, c),
        );
      }
    }
  }
  return sum / ((h - 2) * (w - 2) * 3);
}

/** Rec. 601 luminance blurred by a Gaussian of `sigma` px (separable, edges clamped). */
export function blurredLuminance(img: RgbImage, sigma: number): Float64Array {
  const { data, h, w } = img;
  const lum = new Float64Array(h * w);
  for (let i = 0; i < h * w; i++) {
    lum[i] = 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
  }
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) =>
    Math.exp(-((i - r) ** 2) / (2 * sigma ** 2)),
  );
  const kSum = k.reduce((a, b) => a + b, 0);
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const pass = (src: Float64Array, horizontal: boolean) => {
    const out = new Float64Array(h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let t = -r; t <= r; t++) {
          const yy = horizontal ? y : clamp(y + t, h);
          const xx = horizontal ? clamp(x + t, w) : x;
          s += k[t + r] * src[yy * w + xx];
        }
        out[y * w + x] = s / kSum;
      }
    }
    return out;
  };
  return pass(pass(lum, true), false);
}

/** Pearson correlation of two equally long arrays. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let [ma, mb] = [0, 0];
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i] / n, mb + b[i] / n];
  let [sab, saa, sbb] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

export const BLUR_SIGMA_PX = 4;

export interface DemoQuality {
  size: number;
  iterations: number;
  /** Colour distance to the style of the initial image and of the result. */
  colourStart: number;
  colourEnd: number;
  /** colourEnd / colourStart: at most 0.5 passes. */
  colourRatio: number;
  laplacianResult: number;
  laplacianContent: number;
  laplacianStyle: number;
  /** laplacianResult / max(content's, style's): at most 1.5 passes. */
  laplacianRatio: number;
  /** Blurred-luminance correlation of the result with the content: at least 0.5 passes. */
  contentCorrelation: number;
  /** Largest J(step i) / J(step i-1) within a stage: the app pauses a run whose loss jumps tenfold. */
  maxLossJump: number;
  seconds: number;
}

function toRgb(t: tf.Tensor3D): RgbImage {
  const [h, w] = t.shape;
  return { data: Float32Array.from(t.dataSync()), h, w };
}

/** Reads a model folder (model.json + shards) as the app would load it. */
export function readModelDir(dir: string): RawVgg16Weights {
  const json = parseModelJson(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  const shards = shardPaths(json).map((p) => new Uint8Array(readFileSync(join(dir, p))));
  return decodeModel(json, shards);
}

/** Content and style at size x size, on the active backend (the caller disposes both). */
export type PairAt = (size: number) => { content: tf.Tensor3D; style: tf.Tensor3D };

/** The pairs the figures are measured on: the bundled samples (the demo weights' calibration
 * images) and one the calibration never saw. */
export const PAIRS: Record<'samples' | 'unseen', PairAt> = {
  samples: problemImages,
  unseen: unseenPair,
};

/** One run on a pair, as RGB, for the quality measures (demo weights here, masks in mask-quality). */
export interface PairRun {
  content: RgbImage;
  style: RgbImage;
  /** The image before the first step. */
  start: RgbImage;
  result: RgbImage;
  seconds: number;
}

/**
 * Runs Gatys with the engine's defaults (DEFAULT_SETTINGS: coarse-to-fine stages, Adam, ...) for
 * `iterations` on a pair (the bundled samples unless told) cover-cropped to size x size, on the
 * wasm backend, optionally under a spatial mask. `onStep` sees each step; everything made here is
 * disposed here.
 */
export async function runOnPair(
  raw: RawVgg16Weights,
  size: number,
  iterations: number,
  options: {
    pair?: PairAt;
    mask?: SpatialMask;
    onStep?: (iteration: number, step: StagedStepResult) => void;
  } = {},
): Promise<PairRun> {
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start');
  const t0 = Date.now();
  const weights = toTensors(raw);
  const { content, style } = (options.pair ?? PAIRS.samples)(size);
  const run = new StagedRun(
    weights,
    content,
    style,
    DEFAULT_SETTINGS,
    iterations,
    undefined,
    options.mask,
  );
  try {
    const start = run.currentImage();
    const startRgb = toRgb(start);
    start.dispose();
    for (let i = 0; i < iterations; i++) {
      const step = await run.step();
      step.image.dispose();
      options.onStep?.(i + 1, step);
    }
    const end = run.currentImage();
    const result = toRgb(end);
    end.dispose();
    const [c, s] = [toRgb(content), toRgb(style)];
    return { content: c, style: s, start: startRgb, result, seconds: (Date.now() - t0) / 1000 };
  } finally {
    run.dispose();
    tf.dispose([content, style]);
    disposeWeights(weights);
  }
}

/** runOnPair, measured by the three figures. `onStep` sees each iteration (for progress logs). */
export async function measureDemoQuality(
  raw: RawVgg16Weights,
  size: number,
  iterations: number,
  onStep?: (iteration: number) => void,
  pair: PairAt = PAIRS.samples,
): Promise<{ figures: DemoQuality; result: RgbImage }> {
  let maxLossJump = 0;
  let previous = { total: NaN, stage: -1 };
  const run = await runOnPair(raw, size, iterations, {
    pair,
    onStep: (i, step) => {
      // Within a stage: a new stage starts from the upsampled image at a new size, whose loss is
      // another function (it jumps there with any weights).
      if (step.stage.index === previous.stage) {
        maxLossJump = Math.max(maxLossJump, step.losses.total / previous.total);
      }
      previous = { total: step.losses.total, stage: step.stage.index };
      onStep?.(i);
    },
  });
  const { content: c, style: s, result } = run;
  const colourStart = colourDistance(run.start, s);
  const colourEnd = colourDistance(result, s);
  const [laplacianResult, laplacianContent, laplacianStyle] = [result, c, s].map(meanAbsLaplacian);
  const figures: DemoQuality = {
    size,
    iterations,
    colourStart,
    colourEnd,
    colourRatio: colourEnd / colourStart,
    laplacianResult,
    laplacianContent,
    laplacianStyle,
    laplacianRatio: laplacianResult / Math.max(laplacianContent, laplacianStyle),
    contentCorrelation: correlation(
      blurredLuminance(result, BLUR_SIGMA_PX),
      blurredLuminance(c, BLUR_SIGMA_PX),
    ),
    maxLossJump,
    seconds: run.seconds,
  };
  return { figures, result };
}

export function writeRgbPng(path: string, img: RgbImage): void {
  const png = new PNG({ width: img.w, height: img.h });
  for (let i = 0; i < img.h * img.w; i++) {
    for (let c = 0; c < 3; c++) png.data[i * 4 + c] = Math.round(img.data[i * 3 + c]);
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const dir = resolve(argValue(args, '--model') ?? join(root, 'public/models/vgg16-demo'));
  const size = Number(argValue(args, '--size') ?? 128);
  const iterations = Number(argValue(args, '--iterations') ?? 150);
  const pairName = argValue(args, '--pair') ?? 'samples';
  if (pairName !== 'samples' && pairName !== 'unseen') throw new Error(`--pair ${pairName}?`);
  const pair = PAIRS[pairName];
  const pairPng = argValue(args, '--pair-png');
  if (pairPng) {
    await tf.setBackend('wasm');
    const { content, style } = pair(size);
    writeRgbPng(`${pairPng}-content.png`, toRgb(content));
    writeRgbPng(`${pairPng}-style.png`, toRgb(style));
    tf.dispose([content, style]);
  }
  const { figures, result } = await measureDemoQuality(
    readModelDir(dir),
    size,
    iterations,
    (i) => {
      if (i % 10 === 0) console.error(`iteration ${i}`);
    },
    pair,
  );
  const png = argValue(args, '--png');
  if (png) writeRgbPng(png, result);
  console.log(JSON.stringify({ model: dir, pair: pairName, ...figures }, null, 2));
}
