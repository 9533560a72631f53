/**
 * The whole image of a tiled stage lives in plain Float32Arrays ([H, W, 3] row-major, RGB 0..255),
 * outside any tensor: the image, the content, the blended gradient and Adam's two moments. Only a
 * window at a time becomes a tensor, so the backend's memory is set by the tile size. At
 * 2048 x 1365 the five buffers take 5 x 33.5 MB.
 */
import * as tf from '@tensorflow/tfjs';
import { blendWeight, type Span, type Tile } from './grid';

/** A copy of rows x cols of an [H, width, 3] buffer as a tensor [rows, cols, 3]. */
export function cropToTensor(
  buf: Float32Array,
  width: number,
  rows: Span,
  cols: Span,
): tf.Tensor3D {
  const h = rows.end - rows.start;
  const w = cols.end - cols.start;
  const out = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    const from = ((rows.start + y) * width + cols.start) * 3;
    out.set(buf.subarray(from, from + w * 3), y * w * 3);
  }
  return tf.tensor3d(out, [h, w, 3]);
}

/** The blend weights of a tile's window along one axis (see grid.ts blendWeight). */
export function windowWeights(cell: Span, win: Span, ramp: Span): Float32Array {
  const out = new Float32Array(win.end - win.start);
  for (let i = 0; i < out.length; i++) out[i] = blendWeight(win.start + i, cell, ramp);
  return out;
}

/** target += blend weight x a tile's window gradient [wh, ww, 3]. */
export function addBlended(
  target: Float32Array,
  width: number,
  tile: Tile,
  grad: ArrayLike<number>,
): void {
  const wr = windowWeights(tile.rows, tile.windowRows, tile.rampRows);
  const wc = windowWeights(tile.cols, tile.windowCols, tile.rampCols);
  const ww = wc.length;
  for (let y = 0; y < wr.length; y++) {
    if (wr[y] === 0) continue;
    const row = ((tile.windowRows.start + y) * width + tile.windowCols.start) * 3;
    for (let x = 0; x < ww; x++) {
      const k = wr[y] * wc[x];
      if (k === 0) continue;
      const i = row + x * 3;
      const j = (y * ww + x) * 3;
      target[i] += k * grad[j];
      target[i + 1] += k * grad[j + 1];
      target[i + 2] += k * grad[j + 2];
    }
  }
}

export interface AdamBuffers {
  x: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/**
 * One Adam step on the buffers in place, the same update as optimizers/adam.ts (bias correction
 * folded into the step size and epsilon), pixels clipped to 0..255. `t` is the step's number from 1.
 */
export function adamStep(b: AdamBuffers, g: Float32Array, t: number, learningRate: number): void {
  const b1 = 0.9;
  const b2 = 0.999;
  const stepSize = (learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
  const eps = 1e-8 * Math.sqrt(1 - b2 ** t);
  const { x, m, v } = b;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    const next = x[i] - (stepSize * m[i]) / (Math.sqrt(v[i]) + eps);
    x[i] = next < 0 ? 0 : next > 255 ? 255 : next;
  }
}

/** Whether every value is finite (a gradient is checked before Adam uses it). */
export function allFiniteArray(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
