/**
 * Grams summed over tiles, and J of the whole image assembled from the tiles' cell sums
 * (tileObjective.ts): content sum / (4 N), sum_l lambda_l (GS - sum_cells G_cell)^2 / (2 nH nW nC)^2
 * and TV / (H W 3), all with the whole image's dims. Style Grams of a style image are taken the
 * same way, by tiles, so that no tensor of the whole stage's size is ever made.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV_LAYERS, type ConvLayerName } from '../../model/topology';
import type { Vgg16Weights } from '../../model/weights';
import { totalCost } from '../costs';
import { stableSum } from '../stableSum';
import { REPORT, STYLE_LAYERS_AT } from '../objective';
import { resizeToCover } from '../preprocess';
import type { LossBreakdown } from '../run';
import type { StyleSettings } from '../settings';
import { activationSize, normaliseBlend, styleSizeFor } from '../targets';
import { cropToTensor } from './buffers';
import { type Tile, tileGrid, type TileGridOptions } from './grid';
import { type Grams, measureTile } from './tileObjective';

export interface TileProgress {
  /** The pass (iteration of the stage) from 0, the tile within it from 0, and the grid's size. */
  pass: number;
  tile: number;
  tiles: number;
  /** 'style': the style targets' sweep; 'measure': a forward-only sweep for the image's Grams; 'gradient': the pass itself. */
  sweep: 'style' | 'measure' | 'gradient';
}

export interface PassHooks {
  /** After each tile; the pass waits for it (a paused run holds here, between two tiles). */
  onTile?: (p: TileProgress) => void | Promise<void>;
  /** Read before each tile: true abandons the pass, the image stays as the last pass left it. */
  shouldStop?: () => boolean;
  /**
   * The tiles a sweep visits, from its grid (all of them unless given). A partial sweep gives a
   * partial J: only for measuring one tile's cost or memory (scripts/bench/tiles.ts).
   */
  visit?: (grid: Tile[]) => Tile[];
}

export function disposeGrams(g: Grams | null | undefined): void {
  if (g) tf.dispose([...g.values()]);
}

/** acc += add, per layer (acc takes the first tile's tensors as they are); `add` is consumed. */
export function accumulateGrams(acc: Grams, add: Grams): void {
  for (const [name, g] of add) {
    const prev = acc.get(name);
    if (!prev) {
      acc.set(name, g);
      continue;
    }
    acc.set(name, tf.add(prev, g));
    prev.dispose();
    g.dispose();
  }
}

/**
 * The report vector of lossTerms (objective.ts) for the whole image, from the tiles' summed cell
 * sums [content, vertical TV, horizontal TV] and the summed cell Grams. One readback.
 */
export async function stageReport(
  s: StyleSettings,
  full: [number, number],
  sums: [number, number, number],
  gg: Grams,
  gs: Grams,
): Promise<Float32Array> {
  const report = tf.tidy(() => {
    const [cH, cW] = activationSize(full[0], full[1], s.contentLayer);
    const jContent = tf.div(
      tf.scalar(sums[0]),
      4 * cH * cW * channelsOf(s.contentLayer),
    ) as tf.Scalar;
    const perLayer = s.styleLayers.map(({ name }) => {
      const [nH, nW] = activationSize(full[0], full[1], name);
      const target = gs.get(name)!;
      const norm = (2 * nH * nW * target.shape[0]) ** 2;
      return tf.div(stableSum(tf.squaredDifference(target, gg.get(name)!)), norm) as tf.Scalar;
    });
    const jStyle = perLayer.reduce<tf.Scalar>(
      (acc, j, i) => tf.add(acc, tf.mul(j, s.styleLayers[i].weight)),
      tf.scalar(0),
    );
    const tv = tf.div(tf.scalar(sums[1] + sums[2]), full[0] * full[1] * 3) as tf.Scalar;
    const total = totalCost(jContent, jStyle, tv, s);
    return tf.stack([total, jContent, jStyle, tv, ...perLayer]) as tf.Tensor1D;
  });
  const values = (await report.data()) as Float32Array;
  report.dispose();
  return values;
}

function channelsOf(layer: ConvLayerName): number {
  return CONV_LAYERS.find((l) => l.name === layer)!.outChannels;
}

/** The breakdown run.ts reports, from a report vector. */
export function breakdownOf(s: StyleSettings, report: Float32Array): LossBreakdown {
  const styleLayers: Partial<Record<ConvLayerName, number>> = {};
  s.styleLayers.forEach((l, i) => (styleLayers[l.name] = report[STYLE_LAYERS_AT + i]));
  return {
    total: report[REPORT.total],
    content: report[REPORT.content],
    style: report[REPORT.style],
    tv: report[REPORT.tv],
    styleLayers,
  };
}

/** Sum of the cell Grams of an image buffer [h, w, 3] over a grid: its Gram, by tiles. */
export async function tiledGrams(
  weights: Vgg16Weights,
  s: StyleSettings,
  image: Float32Array,
  [h, w]: [number, number],
  grid: TileGridOptions,
  hooks: PassHooks = {},
): Promise<Grams | null> {
  const acc: Grams = new Map();
  const all = tileGrid(h, w, grid);
  const tiles = hooks.visit?.(all) ?? all;
  for (let i = 0; i < tiles.length; i++) {
    if (hooks.shouldStop?.()) {
      disposeGrams(acc);
      return null;
    }
    const tile = tiles[i];
    const px = cropToTensor(image, w, tile.windowRows, tile.windowCols);
    const r = measureTile(weights, s, { tile, image: px, content: px }, [h, w], false);
    px.dispose();
    r.sums.dispose();
    accumulateGrams(acc, r.grams);
    await hooks.onTile?.({ pass: 0, tile: i, tiles: tiles.length, sweep: 'style' });
  }
  return acc;
}

/**
 * The style targets of a tiled stage of h x w: per style, cover-cropped to styleScale x the
 * stage's size, its Grams by tiles, scaled to the stage's area (as StyleTargets does) and blended
 * with the normalised blend weights. Caller owns the result; null when stopped.
 */
export async function tiledStyleTargets(
  weights: Vgg16Weights,
  s: StyleSettings,
  styles: readonly tf.Tensor3D[],
  [h, w]: [number, number],
  grid: TileGridOptions,
  hooks: PassHooks = {},
): Promise<Grams | null> {
  const blend = normaliseBlend(s.styleBlend, styles.length);
  const [sh, sw] = styleSizeFor(h, w, s.styleScale);
  const out: Grams = new Map();
  for (let i = 0; i < styles.length; i++) {
    const fitted = resizeToCover(styles[i], sh, sw);
    const data = (await fitted.data()) as Float32Array;
    fitted.dispose();
    const grams = await tiledGrams(weights, s, data, [sh, sw], grid, hooks);
    if (!grams) {
      disposeGrams(out);
      return null;
    }
    for (const [name, g] of grams) {
      const [gh, gw] = activationSize(h, w, name);
      const [nh, nw] = activationSize(sh, sw, name);
      const scaled = tf.mul(g, (blend[i] * (gh * gw)) / (nh * nw)) as tf.Tensor2D;
      g.dispose();
      accumulateGrams(out, new Map([[name, scaled]]));
    }
  }
  return out;
}
