/**
 * The peak memory of a tiled stage at h x w (scripts/bench/tiles.ts): a real TiledStage (its
 * full-size CPU buffers, the style resized to the stage's size on the backend, the style targets,
 * the Gram estimate and the directions), each sweep visiting the grid's first tile and its first
 * full-size window only. Every window of every pass is at most tileSize square and nothing the
 * stage holds grows with the number of tiles, so the peak of a whole pass is the peak seen here.
 */
import * as tf from '@tensorflow/tfjs';
import { initialImage } from '../../src/engine/init';
import { resizeToCover } from '../../src/engine/preprocess';
import type { StyleSettings } from '../../src/engine/settings';
import type { Tile } from '../../src/engine/tiles/grid';
import { TiledStage, type TiledStageOptions } from '../../src/engine/tiles/tiledStage';
import type { Vgg16Weights } from '../../src/model/weights';

export interface TiledPeak {
  peakBytes: number;
  /** Tiles in a pass of the stage, and how many tile evaluations this measurement made. */
  tiles: number;
  evaluated: number;
  seconds: number;
  /** The stage's Float32Array buffers (image, content, gradient, Adam's m and v). */
  bufferBytes: number;
}

export async function peakOfTiledStage(
  weights: Vgg16Weights,
  s: StyleSettings,
  contentFull: tf.Tensor3D,
  style: tf.Tensor3D,
  [h, w]: [number, number],
  opts: TiledStageOptions,
): Promise<TiledPeak> {
  const t0 = performance.now();
  let tiles = 0;
  let evaluated = 0;
  const visit = (grid: Tile[]) => {
    tiles = Math.max(tiles, grid.length);
    const full = grid.findIndex(
      (t) =>
        t.windowRows.end - t.windowRows.start === opts.tileSize &&
        t.windowCols.end - t.windowCols.start === opts.tileSize,
    );
    const chosen = full > 0 ? [grid[0], grid[full]] : [grid[0]];
    evaluated += chosen.length;
    return chosen;
  };
  const start = tf.memory().numBytes;
  const info = await tf.profile(async () => {
    const content = resizeToCover(contentFull, h, w);
    const img = initialImage(s.init, content, content, s.noiseRatio, s.seed);
    const [c, x] = [Float32Array.from(await content.data()), Float32Array.from(await img.data())];
    tf.dispose([content, img]);
    const stage = (await TiledStage.create(weights, s, [h, w], c, x, [style], opts, { visit }))!;
    const r = await stage.pass({ visit });
    if (!r.updated) throw new Error('the tiled pass took no step');
    stage.dispose();
  });
  return {
    peakBytes: Math.max(0, info.peakBytes - start),
    tiles,
    evaluated,
    seconds: (performance.now() - t0) / 1000,
    bufferBytes: 5 * h * w * 3 * 4,
  };
}
