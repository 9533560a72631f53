/**
 * J of the whole image, evaluated one tile at a time (issue 21). SPEC's J is not a sum over
 * pixels: J_style^[l] = sum (GS - GG)^2 / (2 nH nW nC)^2 depends on the Gram GG of the WHOLE image.
 * So a tile's terms are defined against the whole image:
 *
 * - Normalisation: every term keeps the whole image's divisors (nH, nW of the whole image's layer,
 *   H * W * 3 for TV), never the tile's. A tile's share of J is what its cell adds to the whole.
 * - Report (forward): per tile, the sums over its CELL only: content sum (aC - aG)^2 over the
 *   cell's activation positions, TV sums over the neighbour pairs that start in the cell, and the
 *   cell's Gram G_cell^[l] = sum over the cell's positions of a a^T. Cells partition the image and
 *   Grams are sums over positions, so sum_cells G_cell = GG, and J assembles exactly from the sums
 *   (stageLosses). A tile's own Gram is never compared with the target: a part of an image need
 *   not have the whole image's style statistics, only the sum must.
 * - Gradient: dJ/da_p for the style term is 4 a_p (GG - GS) / (2 nH nW nC)^2, linear in a_p once
 *   GG is known. With an estimate of GG held fixed, the tile minimises the surrogate
 *     alpha/(4 N) sum_window (aC - aG)^2 + beta sum_l lambda_l <K_l, G_window^[l]> + tv TV_window/(H W 3)
 *   with K_l = 2 (GG_l - GS_l) / (2 nH nW nC)^2, whose gradient at a pixel of the cell IS the whole
 *   image's gradient there, provided GG is the whole image's current Gram and the pixel is far
 *   enough from the window's edge (about 1.5x the deepest layer's receptive field, grid.ts) that
 *   the window's zero padding does not reach it. Its value is not J and is never reported.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../../model/topology';
import type { Vgg16Weights } from '../../model/weights';
import { gramMatrix, totalCost } from '../costs';
import { stableSum } from '../stableSum';
import { neededLayers } from '../objective';
import { toCaffe } from '../preprocess';
import type { StyleSettings } from '../settings';
import { activationSize } from '../targets';
import { extractFeatures } from '../vgg16';
import { layerStride, type Span, type Tile } from './grid';

export type Grams = Map<ConvLayerName, tf.Tensor2D>;

/** A tile's pixels: the window of the generated image and of the content, RGB 0..255. */
export interface TilePixels {
  tile: Tile;
  image: tf.Tensor3D;
  content: tf.Tensor3D;
}

export interface TileReport {
  /** Per style layer, the Gram of the cell's positions (caller owns them). */
  grams: Grams;
  /** [content sum, vertical TV sum, horizontal TV sum] over the cell, unnormalised. */
  sums: tf.Tensor1D;
}

/** A cell's rows or cols in a layer's activation grid, relative to its window. */
function cellInActivation(cell: Span, win: Span, full: number, stride: number): Span {
  const start = (cell.start - win.start) / stride;
  const end =
    cell.end === full
      ? Math.floor((win.end - win.start) / stride)
      : (cell.end - win.start) / stride;
  return { start, end };
}

/** The cell's part of an activation [1, h, w, c] of the window. */
function cellSlice(a: tf.Tensor4D, tile: Tile, full: [number, number], layer: ConvLayerName) {
  const s = layerStride(layer);
  const r = cellInActivation(tile.rows, tile.windowRows, full[0], s);
  const c = cellInActivation(tile.cols, tile.windowCols, full[1], s);
  return tf.slice(a, [0, r.start, c.start, 0], [1, r.end - r.start, c.end - c.start, -1]);
}

/** Sums of squared neighbour differences of x [h, w, 3] over pairs whose first pixel is in rows x cols. */
function tvSums(x: tf.Tensor3D, rows: Span, cols: Span): [tf.Scalar, tf.Scalar] {
  const [h, w] = x.shape;
  const pair = (dr: number, dc: number): tf.Scalar => {
    const r1 = Math.min(rows.end, h - dr);
    const c1 = Math.min(cols.end, w - dc);
    if (r1 <= rows.start || c1 <= cols.start) return tf.scalar(0);
    const size = [r1 - rows.start, c1 - cols.start, 3];
    return stableSum(
      tf.squaredDifference(
        tf.slice(x, [rows.start + dr, cols.start + dc, 0], size),
        tf.slice(x, [rows.start, cols.start, 0], size),
      ),
    );
  };
  return [pair(1, 0), pair(0, 1)];
}

const relative = (s: Span, win: Span): Span => ({
  start: s.start - win.start,
  end: s.end - win.start,
});

/** The cell's report from the window's activations (forward only, inside the caller's tidy). */
function cellReport(
  s: StyleSettings,
  px: TilePixels,
  full: [number, number],
  acts: Record<ConvLayerName, tf.Tensor4D>,
  contentAct: tf.Tensor4D | null,
): TileReport {
  const { tile } = px;
  const grams: Grams = new Map();
  for (const { name } of s.styleLayers) {
    grams.set(name, tf.keep(gramMatrix(cellSlice(acts[name], tile, full, name))));
  }
  const contentSum = contentAct
    ? stableSum(
        tf.squaredDifference(
          cellSlice(contentAct, tile, full, s.contentLayer),
          cellSlice(acts[s.contentLayer], tile, full, s.contentLayer),
        ),
      )
    : tf.scalar(0);
  const [dv, dh] = tvSums(
    px.image,
    relative(tile.rows, tile.windowRows),
    relative(tile.cols, tile.windowCols),
  );
  return { grams, sums: tf.keep(tf.stack([contentSum, dv, dh]) as tf.Tensor1D) };
}

/** Forward only: the cell's Grams and sums at the current pixels (a sweep that measures J and GG). */
export function measureTile(
  weights: Vgg16Weights,
  s: StyleSettings,
  px: TilePixels,
  full: [number, number],
  withContent = true,
): TileReport {
  // Grams and sums are kept by cellReport; a Map is no tf.TensorContainer, so nothing is returned.
  let out: TileReport | undefined;
  tf.tidy(() => {
    const layers = withContent ? neededLayers(s) : s.styleLayers.map((l) => l.name);
    const acts = extractFeatures(weights, toCaffe(px.image), layers);
    const contentAct = withContent
      ? extractFeatures(weights, toCaffe(px.content), [s.contentLayer])[s.contentLayer]
      : null;
    out = cellReport(s, px, full, acts, contentAct);
  });
  return out!;
}

/**
 * The constant of each style layer's surrogate term, beta lambda_l K_l with
 * K_l = 2 (GG_l - GS_l) / (2 nH nW nC)^2 (whole-image dims). Caller owns the tensors.
 */
export function styleDirections(
  s: StyleSettings,
  full: [number, number],
  estimate: Grams,
  targets: Grams,
): Grams {
  const out: Grams = new Map();
  for (const { name, weight } of s.styleLayers) {
    const gg = estimate.get(name);
    const gs = targets.get(name);
    if (!gg || !gs) throw new Error(`tiled stage: no Gram for ${name}`);
    const [nH, nW] = activationSize(full[0], full[1], name);
    const nC = gs.shape[0];
    const scale = (s.beta * weight * 2) / (2 * nH * nW * nC) ** 2;
    out.set(
      name,
      tf.tidy(() => tf.mul(tf.sub(gg, gs), scale)),
    );
  }
  return out;
}

/**
 * The gradient of the surrogate (see the file's comment) w.r.t. the window's pixels, and the cell's
 * report at those pixels (the point the gradient is taken at). Caller owns every tensor.
 */
export function tileGradient(
  weights: Vgg16Weights,
  s: StyleSettings,
  px: TilePixels,
  full: [number, number],
  directions: Grams,
): TileReport & { grad: tf.Tensor3D } {
  let out: (TileReport & { grad: tf.Tensor3D }) | undefined;
  tf.tidy(() => {
    const contentAct = extractFeatures(weights, toCaffe(px.content), [s.contentLayer])[
      s.contentLayer
    ];
    const [cH, cW] = activationSize(full[0], full[1], s.contentLayer);
    const nContent = cH * cW * contentAct.shape[3];
    const nPixels = full[0] * full[1] * 3;
    let report: TileReport | undefined;
    const grad = tf.grad((x: tf.Tensor) => {
      const img = x as tf.Tensor3D;
      const acts = extractFeatures(weights, toCaffe(img), neededLayers(s));
      report = cellReport(s, { ...px, image: img }, full, acts, contentAct);
      const content = tf.div(
        stableSum(tf.squaredDifference(contentAct, acts[s.contentLayer])),
        4 * nContent,
      ) as tf.Scalar;
      const style = s.styleLayers.reduce<tf.Scalar>(
        (acc, { name }) =>
          tf.add(acc, stableSum(tf.mul(directions.get(name)!, gramMatrix(acts[name])))),
        tf.scalar(0),
      );
      const [dv, dh] = tvSums(
        img,
        { start: 0, end: img.shape[0] },
        { start: 0, end: img.shape[1] },
      );
      const tv = tf.div(tf.add(dv, dh), nPixels) as tf.Scalar;
      // beta and lambda are folded into the directions already.
      return totalCost(content, style, tv, { alpha: s.alpha, beta: 1, tvWeight: s.tvWeight });
    })(px.image) as tf.Tensor3D;
    out = { ...report!, grad: tf.keep(grad) };
  });
  return out!;
}
