/**
 * The fixed targets of a run: the content image's activation at the content layer and, per style
 * image, its Gram matrix at each style layer. Computed once, then only what a settings change needs:
 * a new content layer recomputes the content target, newly added style layers get their Grams,
 * removed ones are dropped, a new style scale recomputes the style Grams (never the content).
 * Blend weights only reweight the kept Grams (one per style per layer): no Gram is recomputed.
 * Counters let tests (and curious callers) check that.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName, layersUpTo } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import { gramMatrix } from './costs';
import { resizeToCover, toCaffe } from './preprocess';
import { extractFeatures } from './vgg16';

export interface TargetStats {
  /** How many times a content target (one forward pass of the content image) was computed. */
  contentComputations: number;
  /** How many style Grams were computed in total (one per style per layer per computation). */
  gramComputations: number;
}

/** Smallest side a style image is brought to: block5 still has a 1x1 activation there. */
export const MIN_STYLE_SIDE = 16;

/** [h, w] of a conv layer's activation for an input of h x w (2x2 'valid' pools floor). */
export function activationSize(h: number, w: number, layer: ConvLayerName): [number, number] {
  const pools = layersUpTo(layer).filter((l) => l.kind === 'pool').length;
  for (let i = 0; i < pools; i++) {
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
  }
  return [h, w];
}

/** Size a style is cover-cropped to for an output of h x w at a style scale. */
export function styleSizeFor(h: number, w: number, scale: number): [number, number] {
  return [
    Math.max(MIN_STYLE_SIDE, Math.round(h * scale)),
    Math.max(MIN_STYLE_SIDE, Math.round(w * scale)),
  ];
}

/** Blend weights normalised to sum 1 (all zero: equal weights), checked against the style count. */
export function normaliseBlend(blend: readonly number[], styles: number): number[] {
  if (blend.length !== styles) {
    throw new Error(`styleBlend has ${blend.length} weights for ${styles} style image(s)`);
  }
  for (const w of blend) {
    if (!(Number.isFinite(w) && w >= 0))
      throw new Error(`style blend weights must be finite numbers >= 0, got ${w}`);
  }
  const sum = blend.reduce((a, b) => a + b, 0);
  return sum > 0 ? blend.map((w) => w / sum) : blend.map(() => 1 / styles);
}

export class StyleTargets {
  private contentLayerName: ConvLayerName | null = null;
  private contentAct: tf.Tensor4D | null = null;
  /** grams.get(layer)[i]: style i's Gram at that layer, scaled to the generated image's area. */
  private readonly grams = new Map<ConvLayerName, tf.Tensor2D[]>();
  private scale: number;
  private readonly styleImages: readonly tf.Tensor3D[];
  private readonly counts: TargetStats = { contentComputations: 0, gramComputations: 0 };

  /**
   * Takes ownership of the images (RGB 0..255; pass copies): layer and scale changes need them
   * later. The content is at the run's size; style images may be any size (each is cover-cropped
   * to styleScale x the content's size).
   */
  constructor(
    private readonly weights: Vgg16Weights,
    private readonly contentImage: tf.Tensor3D,
    styles: tf.Tensor3D | readonly tf.Tensor3D[],
    styleScale = 1,
  ) {
    const styleImages = Array.isArray(styles)
      ? (styles as readonly tf.Tensor3D[])
      : [styles as tf.Tensor3D];
    this.styleImages = styleImages;
    if (styleImages.length < 1) throw new Error('StyleTargets: at least one style image is needed');
    this.scale = styleScale;
  }

  get stats(): Readonly<TargetStats> {
    return { ...this.counts };
  }

  get styleCount(): number {
    return this.styleImages.length;
  }

  get styleScale(): number {
    return this.scale;
  }

  /**
   * Brings the targets in line with the settings' layers and style scale, computing only what is
   * missing (a new scale recomputes every style Gram, not the content target).
   */
  sync(
    contentLayer: ConvLayerName,
    styleLayers: readonly ConvLayerName[],
    styleScale = this.scale,
  ): void {
    if (this.contentLayerName !== contentLayer || !this.contentAct) {
      this.contentAct?.dispose();
      this.contentAct = null;
      this.contentAct = tf.tidy(() => {
        const acts = extractFeatures(this.weights, toCaffe(this.contentImage), [contentLayer]);
        return acts[contentLayer];
      });
      this.contentLayerName = contentLayer;
      this.counts.contentComputations++;
    }
    const wanted = new Set(styleLayers);
    const rescaled = styleScale !== this.scale;
    this.scale = styleScale;
    for (const [name, grams] of this.grams) {
      if (rescaled || !wanted.has(name)) {
        tf.dispose(grams);
        this.grams.delete(name);
      }
    }
    const added = [...wanted].filter((name) => !this.grams.has(name));
    if (added.length === 0) return;
    const [h, w] = this.contentImage.shape;
    const [sh, sw] = styleSizeFor(h, w, this.scale);
    const perStyle = this.styleImages.map((img) =>
      tf.tidy(() => {
        const fitted = resizeToCover(img, sh, sw);
        const acts = extractFeatures(this.weights, toCaffe(fitted), added);
        return added.map((name) => {
          const gram = gramMatrix(acts[name]);
          // A Gram sums over positions: bring a style of another size to the generated image's
          // area so SPEC's normalisation (by the generated layer's size) still holds.
          const [gh, gw] = activationSize(h, w, name);
          const [nh, nw] = [acts[name].shape[1], acts[name].shape[2]];
          return gh * gw === nh * nw ? gram : (tf.mul(gram, (gh * gw) / (nh * nw)) as tf.Tensor2D);
        });
      }),
    );
    added.forEach((name, j) =>
      this.grams.set(
        name,
        perStyle.map((g) => g[j]),
      ),
    );
    this.counts.gramComputations += added.length * this.styleImages.length;
  }

  get content(): tf.Tensor4D {
    if (!this.contentAct)
      throw new Error('StyleTargets: content target not computed yet (call sync)');
    return this.contentAct;
  }

  /** Style i's Gram at a layer (owned by the targets: do not dispose). */
  gram(name: ConvLayerName, style = 0): tf.Tensor2D {
    const g = this.grams.get(name)?.[style];
    if (!g)
      throw new Error(`StyleTargets: no style Gram for ${name} of style ${style} (call sync)`);
    return g;
  }

  /**
   * The style target of a layer: sum_i w_i Gram_i with w normalised to sum 1. With one style it is
   * that style's Gram itself (owned: do not dispose); otherwise a new tensor (call inside tf.tidy).
   */
  blendedGram(name: ConvLayerName, blend: readonly number[]): tf.Tensor2D {
    const w = normaliseBlend(blend, this.styleImages.length);
    if (w.length === 1) return this.gram(name, 0);
    return tf.tidy(() => tf.addN(w.map((wi, i) => tf.mul(this.gram(name, i), wi))) as tf.Tensor2D);
  }

  /** Frees the targets and the image copies; not the weights. */
  dispose(): void {
    this.contentAct?.dispose();
    this.contentAct = null;
    for (const g of this.grams.values()) tf.dispose(g);
    this.grams.clear();
    this.contentImage.dispose();
    tf.dispose([...this.styleImages]);
  }
}
