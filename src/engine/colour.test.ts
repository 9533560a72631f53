import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  cholesky3,
  colourStats,
  inverse3,
  luminance,
  matchColours,
  matchedStyleLuminance,
  mul3,
  rgbToYiq,
  type Mat3,
} from './colour';
import { StyleTransferRun } from './run';
import { useCpuInputs } from '../../test/engineFixture';
import { maxAbsDiff, patternImage, SHALLOW_SETTINGS } from './testing';

/** A photo-like content: muted colours (a warm cast), well inside 0..255. */
function mutedContent(size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const p = patternImage(size, 'content');
    return tf.add(tf.mul(p, tf.tensor1d([0.45, 0.35, 0.3])), tf.tensor1d([90, 70, 60]));
  }) as tf.Tensor3D;
}

/** A style with other colours: saturated, cool. */
function vividStyle(size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const p = patternImage(size, 'style');
    return tf.clipByValue(
      tf.add(tf.mul(p, tf.tensor1d([0.4, 0.9, 1.1])), tf.tensor1d([0, 10, 20])),
      0,
      255,
    );
  }) as tf.Tensor3D;
}

describe('3x3 helpers', () => {
  it('cholesky3 gives L L^T = m; inverse3 gives the inverse', async () => {
    const m: Mat3 = [4, 2, 0.6, 2, 5, 1.5, 0.6, 1.5, 3];
    const L = cholesky3(m, 0);
    const Lt = [L[0], L[3], L[6], L[1], L[4], L[7], L[2], L[5], L[8]] as Mat3;
    mul3(L, Lt).forEach((v, i) => expect(v).toBeCloseTo(m[i], 10));
    expect([L[1], L[2], L[5]]).toEqual([0, 0, 0]);
    mul3(m, inverse3(m)).forEach((v, i) => expect(v).toBeCloseTo(i % 4 === 0 ? 1 : 0, 10));
  });
});

describe('colour matching (mean and covariance of the style set to the content)', () => {
  it("after matching, the style's mean and 3x3 covariance equal the content's within 1e-3", async () => {
    const content = mutedContent(64);
    const style = vividStyle(48);
    const before = colourStats(style);
    const c = colourStats(content);
    // The test can fail: before matching they are far apart.
    expect(Math.abs(before.mean[2] - c.mean[2])).toBeGreaterThan(20);
    const matched = matchColours(style, content);
    expect(matched.shape).toEqual(style.shape);
    const m = colourStats(matched);
    m.mean.forEach((v, i) => expect(Math.abs(v - c.mean[i])).toBeLessThan(1e-3));
    m.cov.forEach((v, i) => expect(Math.abs(v - c.cov[i])).toBeLessThan(1e-3));
    tf.dispose([content, style, matched]);
  });

  it('a flat (grey) style still maps without NaN', async () => {
    const content = mutedContent(16);
    const grey = tf.fill([16, 16, 3], 100) as tf.Tensor3D;
    const out = matchColours(grey, content);
    expect(Number.isFinite(tf.tidy(() => out.sum().dataSync()[0]))).toBe(true);
    tf.dispose([content, grey, out]);
  });
});

describe('luminance only', () => {
  it("the style's luminance gets the content's mean and standard deviation, replicated to 3 channels", async () => {
    const content = mutedContent(32);
    const style = vividStyle(32);
    const y3 = matchedStyleLuminance(style, content);
    const [yc, ys] = [luminance(content), tf.slice(y3, [0, 0, 0], [-1, -1, 1])];
    const stats = (t: tf.Tensor) => {
      const { mean, variance } = tf.moments(t);
      return [mean.dataSync()[0], Math.sqrt(variance.dataSync()[0])];
    };
    const [mc, sc] = stats(yc);
    const [ms, ss] = stats(ys);
    expect(Math.abs(ms - mc)).toBeLessThan(1e-2);
    expect(Math.abs(ss - sc)).toBeLessThan(1e-2);
    expect(
      maxAbsDiff(tf.slice(y3, [0, 0, 0], [-1, -1, 1]), tf.slice(y3, [0, 0, 2], [-1, -1, 1])),
    ).toBe(0);
    tf.dispose([content, style, y3, yc, ys]);
  });
});

describe('colour modes in a run (16 px, shallow layers, random VGG16)', () => {
  const inputs = useCpuInputs('block2_conv2', () => ({
    content: mutedContent(16),
    style: vividStyle(16),
  }));

  /** I and Q of an image rounded to 8 bits, as the downloaded PNG holds it. */
  const chromaOf8Bit = (img: tf.Tensor3D) =>
    tf.tidy(() => tf.slice(rgbToYiq(tf.round(img) as tf.Tensor3D), [0, 0, 1], [-1, -1, 2]));

  async function runSteps(colourMode: 'none' | 'luminance', n: number): Promise<tf.Tensor3D> {
    const run = new StyleTransferRun(inputs.weights, inputs.content, inputs.style, {
      ...SHALLOW_SETTINGS,
      colourMode,
      noiseRatio: 0.05,
      learningRate: 5,
    });
    for (let i = 0; i < n; i++) (await run.step()).image.dispose();
    const img = run.currentImage();
    run.dispose();
    return img;
  }

  it("luminance mode: the output's chroma equals the content's within 8-bit rounding", async () => {
    const base = tf.memory().numTensors;
    const out = await runSteps('luminance', 4);
    const plain = await runSteps('none', 4);
    const contentChroma = tf.tidy(() => tf.slice(rgbToYiq(inputs.content), [0, 0, 1], [-1, -1, 2]));
    const [outChroma, plainChroma] = [chromaOf8Bit(out), chromaOf8Bit(plain)];
    // Rounding each of R, G, B by up to 0.5 moves I by up to 0.5 (0.596 + 0.274 + 0.321) ~ 0.6.
    expect(maxAbsDiff(outChroma, contentChroma)).toBeLessThan(0.6);
    // ... while the luminance did move, and a run without the mode takes the style's colours.
    const [yOut, yContent] = [luminance(out), luminance(inputs.content)];
    expect(maxAbsDiff(yOut, yContent)).toBeGreaterThan(5);
    expect(maxAbsDiff(plainChroma, contentChroma)).toBeGreaterThan(5);
    tf.dispose([out, plain, contentChroma, outChroma, plainChroma, yOut, yContent]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('colour matching mode starts from the recoloured style (init style) and frees what it made', async () => {
    const base = tf.memory().numTensors;
    const run = new StyleTransferRun(inputs.weights, inputs.content, inputs.style, {
      ...SHALLOW_SETTINGS,
      colourMode: 'match',
      init: 'style',
    });
    const img = run.currentImage();
    const expected = tf.tidy(() =>
      tf.clipByValue(matchColours(inputs.style, inputs.content), 0, 255),
    );
    expect(maxAbsDiff(img, expected)).toBeLessThan(1e-3);
    expect((await run.evaluate()).style).toBeLessThan(1e-6);
    (await run.step()).image.dispose();
    tf.dispose([img, expected]);
    run.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});
