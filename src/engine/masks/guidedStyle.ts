/**
 * Guided Gram matrices (Gatys et al. 2017, section 4), normalised so that SPEC's unmasked style
 * cost is the one-region case exactly. With F the layer's activation unrolled to [N, nC],
 * N = nH nW, and m_r^[l] region r's mask on the layer's grid (src/engine/masks/spec.ts):
 *
 *   G_r^[l]   = N / (sum_ij m_r,ij) * F^T diag(m_r^[l]) F          (the paper's F^T diag(m) F / sum m,
 *                                                                 times N: an all-ones mask gives
 *                                                                 SPEC's Gram F^T F)
 *   E_l,r     = sum_kk' (S_r^[l] - G_r^[l](G))_kk'^2 / (2 N nC)^2  (SPEC's J_style^[l] normalisation)
 *   J_style   = sum_r sum_l lambda_l E_l,r over the regions whose job is a style
 *
 * S_r^[l] is the target Gram of the region's style image (StyleTargets.gram: SPEC's Gram, brought
 * to the generated layer's area N). A region absent at a layer (sum m = 0) adds nothing there.
 * F^T diag(m) F is computed as the plain Gram of F scaled row-wise by sqrt(m N / sum m), which
 * reuses the Gram's one-matmul gradient. E_l,r sums with stableSum (float32-safe, as costs.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName, layersUpTo } from '../../model/topology';
import { activationDims, gramMatrix } from '../costs';
import { stableSum } from '../stableSum';
import { assertMask, copyMask, regionMasksAt, type RegionJob, type SpatialMask } from './spec';

/** VGG16's pools before a layer (its grid is the image's halved that many times, floored). */
export function poolsBefore(layer: ConvLayerName): number {
  return layersUpTo(layer).filter((l) => l.kind === 'pool').length;
}

/** Region masks on one grid: row-major [h, w, R]. */
export interface MaskLevel {
  data: Float64Array;
  h: number;
  w: number;
}

/** 2x2 average pool, stride 2, 'valid', of a row-major [h, w, c] array (in float64). */
export function averagePool2x2(src: Float64Array, h: number, w: number, c: number): MaskLevel {
  const [oh, ow] = [Math.floor(h / 2), Math.floor(w / 2)];
  const data = new Float64Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => src[(yy * w + xx) * c + k];
        data[(y * ow + x) * c + k] =
          (at(2 * y, 2 * x) +
            at(2 * y, 2 * x + 1) +
            at(2 * y + 1, 2 * x) +
            at(2 * y + 1, 2 * x + 1)) /
          4;
      }
    }
  }
  return { data, h: oh, w: ow };
}

/**
 * m_r at each pool level 0..4 ([nH, nW, R] row-major, float64) for an image of h x w: level p is
 * the grid of layers behind p pools.
 */
export function maskLevels(mask: SpatialMask, h: number, w: number): MaskLevel[] {
  const R = mask.regions.length;
  let level: MaskLevel = { data: Float64Array.from(regionMasksAt(mask, h, w)), h, w };
  const levels = [level];
  for (let p = 1; p <= 4; p++) {
    level = averagePool2x2(level.data, level.h, level.w, R);
    levels.push(level);
  }
  return levels;
}

/** sqrt(m_r N / sum m_r) on a level's grid as [1, nH, nW, 1]; null where region r is absent. */
export function regionRowWeights(level: MaskLevel, r: number, regions: number): tf.Tensor4D | null {
  const n = level.h * level.w;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += level.data[i * regions + r];
  if (!(sum > 0)) return null;
  const rows = new Float32Array(n);
  for (let i = 0; i < n; i++) rows[i] = Math.sqrt((level.data[i * regions + r] * n) / sum);
  return tf.tensor4d(rows, [1, level.h, level.w, 1]);
}

/** G_r = N / sum m_r * F^T diag(m_r) F, given regionRowWeights' rows for the activation's grid. */
export function guidedGram(a: tf.Tensor, rows: tf.Tensor4D): tf.Tensor2D {
  const [nH, nW, nC] = activationDims(a);
  if (rows.shape[1] !== nH || rows.shape[2] !== nW) {
    throw new Error(
      `guidedGram: mask grid ${rows.shape[1]}x${rows.shape[2]}, activation ${nH}x${nW}`,
    );
  }
  return tf.tidy(() => gramMatrix(tf.mul(tf.reshape(a, [1, nH, nW, nC]), rows)));
}

interface RegionWeights {
  job: Extract<RegionJob, { kind: 'style' }>;
  /** sqrt(m_r N / sum m_r) as [1, nH, nW, 1] per pool level; null where the region is absent. */
  perLevel: (tf.Tensor4D | null)[];
}

/** A mask made ready for one image size: the per-layer row weights of its styled regions. */
export class GuidedStyle {
  readonly mask: SpatialMask;
  private readonly styled: RegionWeights[];
  private disposed = false;

  /** `h` x `w`: the generated image's size. Copies the mask. */
  constructor(mask: SpatialMask, styleCount: number, h: number, w: number) {
    assertMask(mask, styleCount);
    this.mask = copyMask(mask);
    const R = mask.regions.length;
    const levels = maskLevels(mask, h, w);
    this.styled = [];
    mask.regions.forEach((job, r) => {
      if (job.kind !== 'style') return;
      this.styled.push({ job, perLevel: levels.map((level) => regionRowWeights(level, r, R)) });
    });
  }

  /**
   * sum_r E_l,r at one style layer for the generated activation aG ([1, nH, nW, nC]);
   * `targetGram(i)` is style i's target Gram at that layer (not disposed here).
   */
  layerCost(
    layer: ConvLayerName,
    aG: tf.Tensor,
    targetGram: (style: number) => tf.Tensor2D,
  ): tf.Scalar {
    if (this.disposed) throw new Error('GuidedStyle: used after dispose()');
    const [nH, nW, nC] = activationDims(aG);
    const p = poolsBefore(layer);
    const norm = (2 * nH * nW * nC) ** 2;
    return tf.tidy(() => {
      const terms: tf.Scalar[] = [];
      for (const { job, perLevel } of this.styled) {
        const rows = perLevel[p];
        if (!rows) continue;
        const gram = guidedGram(aG, rows);
        terms.push(tf.div(stableSum(tf.squaredDifference(targetGram(job.style), gram)), norm));
      }
      return terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as tf.Scalar);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { perLevel } of this.styled) for (const t of perLevel) t?.dispose();
  }
}
