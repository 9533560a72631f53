/**
 * Spatial control (Gatys et al. 2017, "Controlling Perceptual Factors in Neural Style Transfer"):
 * a painted label map over the content image says which region each pixel belongs to, and each
 * region has a job: one of the run's style images, or "keep content" (no style term there).
 * Plain data and plain-JS resampling (no tfjs): the UI, the worker protocol and the engine share it.
 *
 * The exact definition (README "Spatial control"; src/engine/masks/guidedStyle.ts computes it):
 *  1. Labels: 0 is unpainted and follows `defaultRegion`; label r + 1 is region r.
 *  2. At the image's size H x W each pixel takes the label nearest to its centre:
 *     label(y, x) = labels[floor((y + 0.5) Hm / H), floor((x + 0.5) Wm / W)] for a Hm x Wm map.
 *     Region r's mask m_r is 1 where the label is r, else 0 (the masks sum to 1 at every pixel).
 *  3. At a style layer l behind p_l of VGG16's 2x2 max pools, m_r^[l] is m_r average-pooled 2x2
 *     (stride 2, 'valid': odd edges dropped, as the max pools drop them) p_l times, so it lies on
 *     that layer's nH x nW grid and says what share of each position's window is region r.
 */

export type RegionJob =
  /** Region gets the style term of style image `style` (0-based, of the run's styles). */
  | { kind: 'style'; style: number }
  /** No style term: the content term alone (unchanged, over the whole image) shapes it. */
  | { kind: 'content' };

export interface SpatialMask {
  /** Size of the label map (any; it is resampled to each image size, step 2 above). */
  width: number;
  height: number;
  /** Row-major, width * height: 0 unpainted, r + 1 for region r. */
  labels: Uint8Array;
  /** One job per region (1 to MAX_REGIONS; the editor offers 2 to 4). */
  regions: RegionJob[];
  /** The region unpainted pixels belong to (0-based). */
  defaultRegion: number;
}

export const MAX_REGIONS = 4;

/** Throws with a clear message when the mask cannot be used with `styleCount` style images. */
export function assertMask(m: SpatialMask, styleCount: number): void {
  const whole = (v: number) => Number.isInteger(v) && v >= 1;
  if (!whole(m.width) || !whole(m.height)) {
    throw new Error(`mask size must be whole numbers >= 1, got ${m.width}x${m.height}`);
  }
  if (m.labels.length !== m.width * m.height) {
    throw new Error(
      `mask has ${m.labels.length} labels for ${m.width}x${m.height} (${m.width * m.height})`,
    );
  }
  if (m.regions.length < 1 || m.regions.length > MAX_REGIONS) {
    throw new Error(`a mask has 1 to ${MAX_REGIONS} regions, got ${m.regions.length}`);
  }
  if (!(Number.isInteger(m.defaultRegion) && m.defaultRegion >= 0)) {
    throw new Error(`defaultRegion must be a region index, got ${m.defaultRegion}`);
  }
  if (m.defaultRegion >= m.regions.length) {
    throw new Error(`defaultRegion ${m.defaultRegion} is not one of ${m.regions.length} regions`);
  }
  m.regions.forEach((job, r) => {
    if (job.kind === 'style' && !(Number.isInteger(job.style) && job.style >= 0)) {
      throw new Error(`region ${r + 1}: style must be an index, got ${job.style}`);
    }
    if (job.kind === 'style' && job.style >= styleCount) {
      throw new Error(`region ${r + 1} uses style ${job.style + 1}, the run has ${styleCount}`);
    }
  });
  for (let i = 0; i < m.labels.length; i++) {
    if (m.labels[i] > m.regions.length) {
      throw new Error(`mask label ${m.labels[i]} at ${i} is past its ${m.regions.length} regions`);
    }
  }
}

/**
 * Step 2 above: the masks m_r at H x W as one row-major [H, W, R] array (R = regions), one-hot.
 */
export function regionMasksAt(m: SpatialMask, h: number, w: number): Float32Array {
  const R = m.regions.length;
  const out = new Float32Array(h * w * R);
  for (let y = 0; y < h; y++) {
    const my = Math.min(m.height - 1, Math.floor(((y + 0.5) * m.height) / h));
    for (let x = 0; x < w; x++) {
      const mx = Math.min(m.width - 1, Math.floor(((x + 0.5) * m.width) / w));
      const label = m.labels[my * m.width + mx];
      const r = label === 0 ? m.defaultRegion : label - 1;
      out[(y * w + x) * R + r] = 1;
    }
  }
  return out;
}

/** A deep copy (labels included): a run keeps its own. */
export function copyMask(m: SpatialMask): SpatialMask {
  return {
    width: m.width,
    height: m.height,
    labels: new Uint8Array(m.labels),
    regions: m.regions.map((j) => ({ ...j })),
    defaultRegion: m.defaultRegion,
  };
}
