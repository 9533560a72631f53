/**
 * The function a run minimises, J(G) = alpha J_content + beta J_style + tvWeight TV, as an
 * Objective for the optimisers: loss, gradient w.r.t. the pixels, and the loss breakdown.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import type { GuidedStyle } from './masks/guidedStyle';
import { contentCost, layerStyleCostFromGram, totalCost, totalVariation } from './costs';
import type { Objective } from './optimizers';
import { toCaffe } from './preprocess';
import type { StyleSettings } from './settings';
import type { StyleTargets } from './targets';
import { extractFeatures } from './vgg16';

/** Content layer and style layers, each once (the forward pass wants a set). */
export function neededLayers(s: StyleSettings): ConvLayerName[] {
  return [...new Set<ConvLayerName>([s.contentLayer, ...s.styleLayers.map((l) => l.name)])];
}

/** Index of each entry of an objective's report vector; per-style-layer costs follow STYLE_LAYERS_AT. */
export const REPORT = { total: 0, content: 1, style: 2, tv: 3 } as const;
export const STYLE_LAYERS_AT = 4;

/**
 * J and its report at an image (RGB 0..255 [H, W, 3]); the report is
 * [total, J_content, J_style, TV, J_style^[l] for each style layer in settings order].
 * With a guide (a spatial mask), J_style^[l] is sum_r E_l,r over its styled regions
 * (src/engine/masks/guidedStyle.ts) and the blend is not used.
 */
export function lossTerms(
  weights: Vgg16Weights,
  targets: StyleTargets,
  s: StyleSettings,
  img: tf.Tensor3D,
  guide: GuidedStyle | null = null,
): { total: tf.Scalar; report: tf.Tensor1D } {
  return tf.tidy(() => {
    const acts = extractFeatures(weights, toCaffe(img), neededLayers(s));
    const jContent = contentCost(targets.content, acts[s.contentLayer]);
    const perLayer = s.styleLayers.map((l) =>
      guide
        ? guide.layerCost(l.name, acts[l.name], (i) => targets.gram(l.name, i))
        : layerStyleCostFromGram(targets.blendedGram(l.name, s.styleBlend), acts[l.name]),
    );
    const jStyle = perLayer.reduce<tf.Scalar>(
      (acc, j, i) => tf.add(acc, tf.mul(j, s.styleLayers[i].weight)),
      tf.scalar(0),
    );
    const tv = totalVariation(img);
    const total = totalCost(jContent, jStyle, tv, s);
    return { total, report: tf.stack([total, jContent, jStyle, tv, ...perLayer]) as tf.Tensor1D };
  });
}

/**
 * J as an Objective for the optimisers: loss, gradient w.r.t. the pixels of x ([H, W, 3] or flat,
 * RGB 0..255) and the report of lossTerms. `settings()` is read at each evaluation; the targets
 * must be in sync with it.
 */
export function styleObjective(
  weights: Vgg16Weights,
  targets: StyleTargets,
  settings: () => StyleSettings,
  shape: [number, number, number],
  guide: () => GuidedStyle | null = () => null,
): Objective {
  return (x) =>
    tf.tidy(() => {
      const s = settings();
      const g = guide();
      let report: tf.Tensor1D | undefined;
      const { value, grad } = tf.valueAndGrad((flat: tf.Tensor) => {
        const terms = lossTerms(weights, targets, s, tf.reshape(flat, shape) as tf.Tensor3D, g);
        // Kept past valueAndGrad's scope so the optimiser can read it along with its own scalars.
        report = tf.keep(terms.report);
        return terms.total;
      })(x);
      return { loss: value, grad, report: report! };
    });
}
