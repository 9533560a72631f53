/**
 * The fixed targets of a run: the content image's activation at the content layer and the style
 * image's Gram matrix at each style layer. Computed once, then only what a settings change needs:
 * a new content layer recomputes the content target, newly added style layers get their Grams,
 * removed ones are dropped. Counters let tests (and curious callers) check that.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import { gramMatrix } from './costs';
import { toCaffe } from './preprocess';
import { extractFeatures } from './vgg16';

export interface TargetStats {
  /** How many times a content target (one forward pass of the content image) was computed. */
  contentComputations: number;
  /** How many style Grams were computed in total (one per layer per computation). */
  gramComputations: number;
}

export class StyleTargets {
  private contentLayerName: ConvLayerName | null = null;
  private contentAct: tf.Tensor4D | null = null;
  private readonly grams = new Map<ConvLayerName, tf.Tensor2D>();
  private readonly counts: TargetStats = { contentComputations: 0, gramComputations: 0 };

  /** Takes ownership of the images (RGB 0..255; pass copies): layer changes need them later. */
  constructor(
    private readonly weights: Vgg16Weights,
    private readonly contentImage: tf.Tensor3D,
    private readonly styleImage: tf.Tensor3D,
  ) {}

  get stats(): Readonly<TargetStats> {
    return { ...this.counts };
  }

  /** Brings the targets in line with the settings' layers, computing only what is missing. */
  sync(contentLayer: ConvLayerName, styleLayers: readonly ConvLayerName[]): void {
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
    for (const [name, gram] of this.grams) {
      if (!wanted.has(name)) {
        gram.dispose();
        this.grams.delete(name);
      }
    }
    const added = [...wanted].filter((name) => !this.grams.has(name));
    if (added.length > 0) {
      const newGrams = tf.tidy(() => {
        const acts = extractFeatures(this.weights, toCaffe(this.styleImage), added);
        return added.map((name) => gramMatrix(acts[name]));
      });
      added.forEach((name, i) => this.grams.set(name, newGrams[i]));
      this.counts.gramComputations += added.length;
    }
  }

  get content(): tf.Tensor4D {
    if (!this.contentAct)
      throw new Error('StyleTargets: content target not computed yet (call sync)');
    return this.contentAct;
  }

  gram(name: ConvLayerName): tf.Tensor2D {
    const g = this.grams.get(name);
    if (!g) throw new Error(`StyleTargets: no style Gram for ${name} (call sync)`);
    return g;
  }

  /** Frees the targets and the image copies; not the weights. */
  dispose(): void {
    this.contentAct?.dispose();
    this.contentAct = null;
    for (const g of this.grams.values()) g.dispose();
    this.grams.clear();
    this.contentImage.dispose();
    this.styleImage.dispose();
  }
}
