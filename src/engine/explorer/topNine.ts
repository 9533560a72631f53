/**
 * The top-nine search of the course notes (after Zeiler and Fergus 2013): for every unit (channel)
 * of a layer, the image locations across a pool of images that activate it most.
 *
 * One forward pass per image gives the layer's activations for all its units at once; tf.topk over
 * each unit's map keeps that image's k best locations per unit (distinct locations by
 * construction), and a running merge across images keeps the pool's k best. So a unit's k hits are
 * the k largest activations of the pool, each from a different (image, row, column).
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../../model/topology';
import type { Vgg16Weights } from '../../model/weights';
import { toCaffe } from '../preprocess';
import { extractFeatures } from '../vgg16';
import {
  patchBounds,
  receptiveField,
  type PixelBounds,
  type ReceptiveField,
} from './receptiveField';

export const TOP_K = 9;

export interface PatchHit {
  /** Index of the image in the pool. */
  image: number;
  /** Unit location in the layer's activation map. */
  row: number;
  col: number;
  /** Post-ReLU activation there. */
  value: number;
  /** The unit's receptive field at that location, clipped to the image. */
  bounds: PixelBounds;
  /** The whole field, which may stick out of the image at its borders. */
  field: PixelBounds;
}

/** One image's k best locations per unit, as read back from tf.topk ([channels, k], row-major). */
export interface ImageTopK {
  values: Float32Array;
  /** Flat index row * mapWidth + col into the activation map. */
  indices: Int32Array;
  k: number;
  channels: number;
  mapHeight: number;
  mapWidth: number;
}

/**
 * Forward pass of one RGB image [H, W, 3] (0..255) to `layer`, then each unit's k largest
 * activations. Reads back only [channels, k] values and indices; no tensor outlives the call.
 */
export async function imageTopK(
  weights: Vgg16Weights,
  image: tf.Tensor3D,
  layer: ConvLayerName,
  k = TOP_K,
): Promise<ImageTopK> {
  const { values, indices, mapHeight, mapWidth, channels } = tf.tidy(() => {
    const act = extractFeatures(weights, toCaffe(image), [layer])[layer];
    const [, h, w, c] = act.shape;
    // [h*w, c] -> [c, h*w]: topk works along the last axis.
    const perUnit = tf.transpose(tf.reshape(act, [h * w, c])) as tf.Tensor2D;
    const top = tf.topk(perUnit, Math.min(k, h * w), true);
    return { ...top, mapHeight: h, mapWidth: w, channels: c };
  });
  try {
    const [v, i] = await Promise.all([values.data(), indices.data()]);
    return {
      values: v as Float32Array,
      indices: i as Int32Array,
      k: values.shape[1] ?? 0,
      channels,
      mapHeight,
      mapWidth,
    };
  } finally {
    values.dispose();
    indices.dispose();
  }
}

/** Hit before its bounds are known (the merge needs only the value and where it came from). */
interface RawHit {
  image: number;
  index: number;
  value: number;
}

/** Orders hits by value, largest first; equal values by image then location, for a stable result. */
function byValue(a: RawHit, b: RawHit): number {
  return b.value - a.value || a.image - b.image || a.index - b.index;
}

/** Keeps each unit's k best hits while the images of a pool come in one at a time. */
export class TopKMerger {
  private readonly best: RawHit[][];
  private readonly sizes: { mapWidth: number; height: number; width: number }[] = [];

  constructor(
    readonly channels: number,
    readonly k = TOP_K,
  ) {
    this.best = Array.from({ length: channels }, () => []);
  }

  /** Adds the k best of image number `image` (of pixel size height x width). */
  add(image: number, top: ImageTopK, height: number, width: number): void {
    if (top.channels !== this.channels) {
      throw new Error(`TopKMerger: expected ${this.channels} units, got ${top.channels}`);
    }
    this.sizes[image] = { mapWidth: top.mapWidth, height, width };
    for (let u = 0; u < this.channels; u++) {
      const merged = this.best[u];
      for (let r = 0; r < top.k; r++) {
        merged.push({ image, index: top.indices[u * top.k + r], value: top.values[u * top.k + r] });
      }
      merged.sort(byValue);
      merged.length = Math.min(merged.length, this.k);
    }
  }

  /** Every unit's hits, best first, with row, column and the clipped receptive field. */
  result(field: ReceptiveField): PatchHit[][] {
    return this.best.map((hits) =>
      hits.map((h) => {
        const size = this.sizes[h.image];
        const row = Math.floor(h.index / size.mapWidth);
        const col = h.index % size.mapWidth;
        const b = patchBounds(field, row, col, size.height, size.width);
        return { image: h.image, row, col, value: h.value, bounds: b.clipped, field: b.unclipped };
      }),
    );
  }
}

export interface TopNineResult {
  layer: ConvLayerName;
  field: ReceptiveField;
  /** units[u] = unit u's hits across the pool, best first (at most k). */
  units: PatchHit[][];
}

/**
 * The search over a pool: `count` images, each made by `imageAt(i)` (the caller's tensor, disposed
 * here after its pass) so only one image is on the backend at a time. `afterImage` runs after each
 * image (progress, yielding to the event loop; it may throw to cancel).
 */
export async function searchTopK(
  weights: Vgg16Weights,
  layer: ConvLayerName,
  count: number,
  imageAt: (i: number) => tf.Tensor3D,
  opts: { k?: number; afterImage?: (done: number) => void | Promise<void> } = {},
): Promise<TopNineResult> {
  const k = opts.k ?? TOP_K;
  let merger: TopKMerger | null = null;
  for (let i = 0; i < count; i++) {
    const img = imageAt(i);
    let top: ImageTopK;
    try {
      top = await imageTopK(weights, img, layer, k);
    } finally {
      img.dispose();
    }
    merger ??= new TopKMerger(top.channels, k);
    merger.add(i, top, img.shape[0], img.shape[1]);
    await opts.afterImage?.(i + 1);
  }
  const field = receptiveField(layer);
  return { layer, field, units: merger ? merger.result(field) : [] };
}
