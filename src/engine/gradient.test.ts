/**
 * The gradient the optimisers follow (tf.valueAndGrad through VGG16, caffe preprocessing and the
 * costs) against central finite differences of J itself, one term at a time so that no term hides
 * behind a larger one.
 *
 * Numerics: J is float32, so its rounding (ulp ~1e-7 relative, plus the float32 rounding of every
 * activation) divided by the 2h of the difference quotient sets an error floor that grows as h
 * shrinks; the ReLU and max-pool kinks crossed within +-h set an error that grows with h (measured
 * here: 3-10% at h = 1-2 pixel units, ~1% at h = 0.25, rounding noise of ~0.5-3% again at
 * h = 0.03). h = 0.25 (of 255) sits between the two, under the 2e-2 tolerance. Pixels are sampled
 * among those whose gradient is not tiny (top half by magnitude): the relative error of a
 * near-zero derivative measures rounding, not correctness.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/randomWeights';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import { initialImage } from './init';
import { lossTerms, styleObjective } from './objective';
import type { StyleSettings } from './settings';
import { StyleTargets } from './targets';
import { patternImage, randomWeights, SHALLOW_SETTINGS } from './testing';

const SIZE = 16;
const H = 0.25;

describe('gradient of J w.r.t. the image matches central finite differences', () => {
  let weights: Vgg16Weights;
  let targets: StyleTargets;
  let x: tf.Tensor3D;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block2_conv2');
    const content = patternImage(SIZE, 'content');
    const style = patternImage(SIZE, 'style');
    x = initialImage('content+noise', content, style, 0.2, 5);
    targets = new StyleTargets(weights, content, style);
    targets.sync(
      SHALLOW_SETTINGS.contentLayer,
      SHALLOW_SETTINGS.styleLayers.map((l) => l.name),
    );
  });
  afterAll(() => {
    targets.dispose();
    x.dispose();
    disposeWeights(weights);
  });

  const cases: [string, Partial<StyleSettings>][] = [
    ['content term', { alpha: 1, beta: 0, tvWeight: 0 }],
    ['style term', { alpha: 0, beta: 1, tvWeight: 0 }],
    ['tv term', { alpha: 0, beta: 0, tvWeight: 1 }],
    ['total (defaults 10 / 40)', {}],
  ];
  it.each(cases)('%s', (_name, patch) => {
    const settings = { ...SHALLOW_SETTINGS, ...patch };
    const objective = styleObjective(weights, targets, () => settings, [SIZE, SIZE, 3]);
    // The difference quotients need J only: the forward pass the objective differentiates, without
    // its backward pass (which cost as much again).
    const loss = (img: tf.Tensor): number =>
      tf.tidy(() => lossTerms(weights, targets, settings, img as tf.Tensor3D).total.dataSync()[0]);
    const ev = objective(x);
    const grad = ev.grad.dataSync();
    tf.dispose([ev.loss, ev.grad, ev.report]);

    const magnitudes = Array.from(grad, Math.abs).sort((a, b) => a - b);
    const median = magnitudes[Math.floor(magnitudes.length / 2)];
    const rand = mulberry32(99);
    const picked: number[] = [];
    while (picked.length < 8) {
      const i = Math.floor(rand() * grad.length);
      if (Math.abs(grad[i]) >= median && !picked.includes(i)) picked.push(i);
    }
    const flat = x.reshape([-1]);
    for (const i of picked) {
      const bump = (sign: number) =>
        tf.tidy(() =>
          flat
            .add(
              tf
                .oneHot([i], grad.length)
                .reshape([-1])
                .mul(sign * H),
            )
            .reshape(x.shape),
        );
      const plus = bump(1);
      const minus = bump(-1);
      const fd = (loss(plus) - loss(minus)) / (2 * H);
      tf.dispose([plus, minus]);
      expect(
        Math.abs(fd - grad[i]) / Math.abs(grad[i]),
        `pixel ${i}: fd ${fd} vs grad ${grad[i]}`,
      ).toBeLessThan(2e-2);
    }
    flat.dispose();
  });
});
