/**
 * SPEC.md: "ours follow SPEC's normalisation, which already divides by layer size, so slider values
 * stay meaningful across image sizes. Test that claim." The same pair of pictures at 16 and 32 px:
 * the normalised costs stay of the same order while the raw sums grow with the pixel count
 * (content: x4; style Grams: x16).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import { contentCost, gramMatrix, layerStyleCost } from './costs';
import { toCaffe } from './preprocess';
import { patternImage, randomWeights, SHALLOW_SETTINGS } from './testing';
import { extractFeatures } from './vgg16';

const sum = (t: tf.Tensor) => tf.sum(t).dataSync()[0];

describe('normalisation keeps alpha and beta meaningful across image sizes', () => {
  let weights: Vgg16Weights;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block2_conv2');
  });
  afterAll(() => disposeWeights(weights));

  /** J_content(C, S), J_style^[l](S, C) and their unnormalised sums, for pictures at `size`. */
  function costsAt(size: number) {
    return tf.tidy(() => {
      // One picture, rendered large and brought down to each size (bilinear, like the app).
      const big = { c: patternImage(64, 'content'), s: patternImage(64, 'style') };
      const c = tf.image.resizeBilinear(big.c, [size, size], false, true);
      const s = tf.image.resizeBilinear(big.s, [size, size], false, true);
      const layer = SHALLOW_SETTINGS.contentLayer;
      const styleLayer = 'block1_conv1' as const;
      const ac = extractFeatures(weights, toCaffe(c), [layer, styleLayer]);
      const as = extractFeatures(weights, toCaffe(s), [layer, styleLayer]);
      return {
        content: contentCost(ac[layer], as[layer]).dataSync()[0],
        contentRaw: sum(tf.squaredDifference(ac[layer], as[layer])),
        style: layerStyleCost(as[styleLayer], ac[styleLayer]).dataSync()[0],
        styleRaw: sum(tf.squaredDifference(gramMatrix(as[styleLayer]), gramMatrix(ac[styleLayer]))),
      };
    });
  }

  it('16 px vs 32 px', () => {
    const small = costsAt(16);
    const large = costsAt(32);
    const ratio = (k: keyof typeof small) => large[k] / small[k];
    expect(ratio('content')).toBeGreaterThan(0.25);
    expect(ratio('content')).toBeLessThan(4);
    expect(ratio('style')).toBeGreaterThan(0.25);
    expect(ratio('style')).toBeLessThan(4);
    // Measured: content 1.14, style 0.70, raw content sum 4.6x, raw Gram sum 11x.
    expect(ratio('contentRaw')).toBeGreaterThan(3.5); // 4x the values
    expect(ratio('styleRaw')).toBeGreaterThan(4); // Gram entries ~4x, squared: up to ~16x
    console.info('32px/16px ratios', {
      content: ratio('content'),
      contentRaw: ratio('contentRaw'),
      style: ratio('style'),
      styleRaw: ratio('styleRaw'),
    });
  });
});
