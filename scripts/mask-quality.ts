/**
 * Issue 22's result check on the demo weights: the bundled samples at 128 px, the engine's
 * defaults, 150 iterations, with the left half of a mask on style 1 and the right half on
 * "keep content". It measures, with scripts/demo-quality.ts' metrics:
 *  - the colour distance to the style of each half (styled / kept: at most 0.6 passes);
 *  - the blurred-luminance correlation of the kept half with the content's (at least 0.9 passes).
 *   node --import tsx scripts/mask-quality.ts [--size 128] [--iterations 150] [--png out.png]
 * Several minutes on 2 cores (wasm backend), so a script and not part of npm test.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpatialMask } from '../src/engine/masks/spec';
import { loadDemoWeights } from './bench/inputs';
import {
  argValue,
  BLUR_SIGMA_PX,
  blurredLuminance,
  colourDistance,
  correlation,
  type RgbImage,
  runOnPair,
  writeRgbPng,
} from './demo-quality';

/** Left half region 1 (style 1), right half region 2 (keep content), on a map of w x h. */
export function leftStyledRightKept(w: number, h: number): SpatialMask {
  const labels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) labels[y * w + x] = x < w / 2 ? 1 : 2;
  return {
    width: w,
    height: h,
    labels,
    regions: [{ kind: 'style', style: 0 }, { kind: 'content' }],
    defaultRegion: 0,
  };
}

/** Columns [x0, x1) of an image. */
function columns(img: RgbImage, x0: number, x1: number): RgbImage {
  const w = x1 - x0;
  const data = new Float32Array(img.h * w * 3);
  for (let y = 0; y < img.h; y++) {
    data.set(img.data.subarray((y * img.w + x0) * 3, (y * img.w + x1) * 3), y * w * 3);
  }
  return { data, h: img.h, w };
}

export interface MaskQuality {
  size: number;
  iterations: number;
  colourStyledHalf: number;
  colourKeptHalf: number;
  /** colourStyledHalf / colourKeptHalf: at most 0.6 passes. */
  colourRatio: number;
  /** Blurred-luminance correlation of the kept half with the content's: at least 0.9 passes. */
  keptCorrelation: number;
  seconds: number;
}

export async function measureMaskQuality(
  size: number,
  iterations: number,
  onStep?: (i: number) => void,
): Promise<{ figures: MaskQuality; result: RgbImage }> {
  const run = await runOnPair(loadDemoWeights(), size, iterations, {
    mask: leftStyledRightKept(64, 64),
    onStep,
  });
  const { content: c, style: s, result } = run;
  const half = Math.floor(result.w / 2);
  const colourStyledHalf = colourDistance(columns(result, 0, half), s);
  const colourKeptHalf = colourDistance(columns(result, half, result.w), s);
  const keptCorrelation = correlation(
    blurredLuminance(columns(result, half, result.w), BLUR_SIGMA_PX),
    blurredLuminance(columns(c, half, c.w), BLUR_SIGMA_PX),
  );
  const figures = {
    size,
    iterations,
    colourStyledHalf,
    colourKeptHalf,
    colourRatio: colourStyledHalf / colourKeptHalf,
    keptCorrelation,
    seconds: run.seconds,
  };
  return { figures, result };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const size = Number(argValue(args, '--size') ?? 128);
  const iterations = Number(argValue(args, '--iterations') ?? 150);
  const { figures, result } = await measureMaskQuality(size, iterations, (i) => {
    if (i % 10 === 0) console.error(`iteration ${i}`);
  });
  const png = argValue(args, '--png');
  if (png) writeRgbPng(png, result);
  console.log(JSON.stringify(figures, null, 2));
}
