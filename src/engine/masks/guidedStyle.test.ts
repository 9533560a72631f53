/**
 * Issue 22's exactness: guided Grams against float64 loops, an all-ones single region against the
 * unmasked engine (J and gradient), two complementary regions against a direct implementation.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { lossTerms, neededLayers, styleObjective } from '../objective';
import { toCaffe } from '../preprocess';
import { StyleTransferRun } from '../run';
import { StyleTargets } from '../targets';
import { patternPair, useCpuInputs } from '../../../test/engineFixture';
import { maxAbsDiff, rel, seededArray, SHALLOW_SETTINGS } from '../testing';
import { extractFeatures } from '../vgg16';
import { GuidedStyle, guidedGram, maskLevels, poolsBefore, regionRowWeights } from './guidedStyle';
import { assertMask, type SpatialMask } from './spec';

const SIZE = 32;
const inputs = useCpuInputs('block2_conv2', () => patternPair(SIZE));

/** A label map of its own size: left part region 1, right part region 2 (labels 1 and 2). */
function halves(width: number, height: number, split = 0.5): SpatialMask {
  const labels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) labels[y * width + x] = x < split * width ? 1 : 2;
  return {
    width,
    height,
    labels,
    regions: [
      { kind: 'style', style: 0 },
      { kind: 'style', style: 0 },
    ],
    defaultRegion: 0,
  };
}

const allOnes: SpatialMask = {
  width: 3,
  height: 2,
  labels: new Uint8Array(6),
  regions: [{ kind: 'style', style: 0 }],
  defaultRegion: 0,
};

describe('mask downsampling', () => {
  it('each level is the mean of the full-size mask over the 2^p x 2^p window, odd edges dropped', () => {
    // A 7-wide map over a 21 x 19 image: nearest labels, blocks that straddle region edges.
    const mask = halves(7, 5, 0.4);
    mask.labels[3] = 0;
    mask.defaultRegion = 1;
    const [h, w] = [21, 19];
    const levels = maskLevels(mask, h, w);
    const full = levels[0];
    for (let p = 1; p <= 4; p++) {
      const b = 2 ** p;
      const [lh, lw] = [Math.floor(h / b), Math.floor(w / b)];
      expect([levels[p].h, levels[p].w]).toEqual([lh, lw]);
      for (let y = 0; y < lh; y++)
        for (let x = 0; x < lw; x++)
          for (let r = 0; r < 2; r++) {
            let s = 0;
            for (let dy = 0; dy < b; dy++)
              for (let dx = 0; dx < b; dx++)
                s += full.data[((y * b + dy) * w + x * b + dx) * 2 + r];
            expect(levels[p].data[(y * lw + x) * 2 + r]).toBeCloseTo(s / (b * b), 12);
          }
    }
    // Full size: each pixel takes the label nearest its centre; unpainted follows the default.
    const regionAt = (y: number, x: number) => (full.data[(y * w + x) * 2] === 1 ? 0 : 1);
    expect(regionAt(0, 0)).toBe(0);
    expect(regionAt(0, w - 1)).toBe(1);
    expect(regionAt(0, Math.floor((3.5 / 7) * w))).toBe(1); // label 0 there -> default region 1
    expect(poolsBefore('block1_conv1')).toBe(0);
    expect(poolsBefore('block3_conv1')).toBe(2);
  });
});

describe('guided Gram matrices', () => {
  it('equal N / sum m * F^T diag(m) F computed in float64 loops', () => {
    const [nH, nW, nC] = [6, 5, 7];
    const f = seededArray(nH * nW * nC, 3, 0, 2);
    const m = Float64Array.from(seededArray(nH * nW * 2, 4, 0, 1));
    const level = { data: m, h: nH, w: nW };
    for (let r = 0; r < 2; r++) {
      const rows = regionRowWeights(level, r, 2)!;
      const a = tf.tensor4d(f, [1, nH, nW, nC]);
      const got = guidedGram(a, rows).arraySync();
      let sum = 0;
      for (let i = 0; i < nH * nW; i++) sum += m[i * 2 + r];
      for (let k = 0; k < nC; k++)
        for (let k2 = 0; k2 < nC; k2++) {
          let g = 0;
          for (let i = 0; i < nH * nW; i++) g += m[i * 2 + r] * f[i * nC + k] * f[i * nC + k2];
          const want = (g * nH * nW) / sum;
          expect(Math.abs(got[k][k2] - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-6);
        }
      tf.dispose([a, rows]);
    }
    // A region with no position on the grid has no weights (and adds no term).
    expect(regionRowWeights({ data: new Float64Array(8), h: 2, w: 2 }, 1, 2)).toBeNull();
  });
});

function objectiveAt(guide: GuidedStyle | null, targets: StyleTargets, img: tf.Tensor3D) {
  const f = styleObjective(
    inputs.weights,
    targets,
    () => SHALLOW_SETTINGS,
    [SIZE, SIZE, 3],
    () => guide,
  );
  const out = f(img);
  const res = { loss: out.loss.dataSync()[0], report: out.report.dataSync(), grad: out.grad };
  tf.dispose([out.loss, out.report]);
  return res;
}

function makeTargets(): StyleTargets {
  const t = new StyleTargets(inputs.weights, tf.clone(inputs.content), [tf.clone(inputs.style)]);
  t.sync(
    SHALLOW_SETTINGS.contentLayer,
    SHALLOW_SETTINGS.styleLayers.map((l) => l.name),
  );
  return t;
}

describe('guided style cost', () => {
  it('an all-ones single region gives the unmasked J and gradient (1e-6 relative)', () => {
    const targets = makeTargets();
    const img = tf.tidy(() => tf.add(inputs.content, tf.mul(tf.sub(inputs.style, 127.5), 0.3)));
    const guide = new GuidedStyle(allOnes, 1, SIZE, SIZE);
    const plain = objectiveAt(null, targets, img as tf.Tensor3D);
    const masked = objectiveAt(guide, targets, img as tf.Tensor3D);
    expect(rel(masked.loss, plain.loss)).toBeLessThanOrEqual(1e-6);
    plain.report.forEach((v, i) => expect(rel(masked.report[i], v) || 0).toBeLessThanOrEqual(1e-6));
    const scale = tf.tidy(() => tf.max(tf.abs(plain.grad)).dataSync()[0]);
    expect(maxAbsDiff(masked.grad, plain.grad) / scale).toBeLessThanOrEqual(1e-6);
    tf.dispose([plain.grad, masked.grad, img]);
    guide.dispose();
    targets.dispose();
  });

  it('two complementary regions of one style match the formula written out directly', () => {
    const targets = makeTargets();
    const img = inputs.content;
    const mask = halves(9, 4, 0.37);
    const guide = new GuidedStyle(mask, 1, SIZE, SIZE);
    const s = SHALLOW_SETTINGS;
    const got = objectiveAt(guide, targets, img);
    // Direct: F^T diag(m) F as two explicit products, per region and layer, from the masks at
    // full size average-pooled by tfjs itself.
    const direct = (x: tf.Tensor3D) => {
      const acts = extractFeatures(inputs.weights, toCaffe(x), neededLayers(s));
      const full = tf.tensor4d(Float32Array.from(maskLevels(mask, SIZE, SIZE)[0].data), [
        1,
        SIZE,
        SIZE,
        2,
      ]);
      let jStyle = tf.scalar(0);
      for (const { name, weight } of s.styleLayers) {
        const [, nH, nW, nC] = acts[name].shape;
        let m = full;
        for (let p = 0; p < poolsBefore(name); p++) m = tf.avgPool(m, 2, 2, 'valid');
        const F = tf.reshape(acts[name], [nH * nW, nC]);
        for (let r = 0; r < 2; r++) {
          const mr = tf.reshape(tf.slice(m, [0, 0, 0, r], [1, nH, nW, 1]), [nH * nW, 1]);
          const G = tf.div(tf.mul(tf.matMul(tf.transpose(F), tf.mul(F, mr)), nH * nW), tf.sum(mr));
          const E = tf.div(
            tf.sum(tf.square(tf.sub(targets.gram(name, 0), G))),
            (2 * nH * nW * nC) ** 2,
          );
          jStyle = tf.add(jStyle, tf.mul(E, weight));
        }
      }
      return jStyle as tf.Scalar;
    };
    const { value, grad } = tf.tidy(() =>
      tf.valueAndGrad((x: tf.Tensor) => direct(x as tf.Tensor3D))(img),
    );
    expect(rel(got.report[2], value.dataSync()[0])).toBeLessThanOrEqual(1e-5);
    // The style part of the engine's gradient: the total's minus that of the other terms.
    const rest = tf.tidy(() =>
      tf.grad(
        (x: tf.Tensor) =>
          lossTerms(inputs.weights, targets, { ...s, beta: 0 }, x as tf.Tensor3D, guide).total,
      )(img),
    );
    const styleGrad = tf.tidy(() => tf.div(tf.sub(got.grad, rest), s.beta));
    const scale = tf.tidy(() => tf.max(tf.abs(grad)).dataSync()[0]);
    expect(maxAbsDiff(styleGrad, grad) / scale).toBeLessThanOrEqual(1e-4);
    tf.dispose([value, grad, rest, styleGrad, got.grad]);
    guide.dispose();
    targets.dispose();
  });

  it('"keep content" regions add no style term', () => {
    const targets = makeTargets();
    const mask: SpatialMask = {
      ...halves(4, 4),
      regions: [{ kind: 'content' }, { kind: 'content' }],
    };
    const guide = new GuidedStyle(mask, 1, SIZE, SIZE);
    const r = objectiveAt(guide, targets, inputs.content);
    expect(r.report[2]).toBe(0);
    r.grad.dispose();
    guide.dispose();
    targets.dispose();
  });
});

describe('masked runs', () => {
  it('step, change the mask live and leak no tensor', async () => {
    const run = new StyleTransferRun(
      inputs.weights,
      inputs.content,
      inputs.style,
      SHALLOW_SETTINGS,
      halves(8, 8),
    );
    const first = await run.step();
    first.image.dispose();
    const before = tf.memory().numTensors;
    run.setMask({
      ...halves(8, 8, 0.25),
      regions: [{ kind: 'style', style: 0 }, { kind: 'content' }],
    });
    const a = await run.step();
    a.image.dispose();
    run.setMask(null);
    const b = await run.step();
    b.image.dispose();
    run.setMask(halves(8, 8));
    const c = await run.step();
    c.image.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(c.losses.style)).toBe(true);
    expect(run.mask?.regions.length).toBe(2);
    run.dispose();
  });

  it('refuses a mask that does not fit, clearly', () => {
    expect(() => assertMask({ ...halves(2, 2), labels: new Uint8Array(3) }, 1)).toThrow(/3 labels/);
    expect(() =>
      assertMask(
        { ...halves(2, 2), regions: [{ kind: 'style', style: 1 }, { kind: 'content' }] },
        1,
      ),
    ).toThrow(/uses style 2, the run has 1/);
    expect(() => assertMask({ ...halves(2, 2), labels: new Uint8Array([0, 3, 1, 1]) }, 1)).toThrow(
      /label 3/,
    );
    expect(() => assertMask({ ...halves(2, 2), defaultRegion: 2 }, 1)).toThrow(/defaultRegion/);
  });
});
