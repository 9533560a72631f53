/**
 * Keeping the content's colours (Gatys, Bethge, Hertzmann, Shechtman 2016, "Preserving Color in
 * Neural Artistic Style Transfer"), in its two forms:
 *  - luminance only: the transfer runs on luminance (Y of YIQ, replicated to 3 channels), the
 *    style's Y first matched to the content's mean and standard deviation; the result's Y is then
 *    recombined with the content's chroma (I, Q).
 *  - colour matching: the style's pixels go through the affine map that gives them the content's
 *    mean and 3x3 covariance (Cholesky form: x' = Lc Ls^-1 (x - mu_s) + mu_c).
 * Statistics are summed in float64 on the CPU (one readback per image, once per run): float32 sums
 * over megapixels would miss the 1e-3 match the tests hold these maps to.
 */
import * as tf from '@tensorflow/tfjs';
import type { ColourMode } from './settings';

export type Mat3 = [number, number, number, number, number, number, number, number, number];

/** RGB -> YIQ (NTSC), rows Y, I, Q; applied to RGB in 0..255, so Y is in 0..255 too. */
export const RGB_TO_YIQ: Mat3 = [
  0.299, 0.587, 0.114, 0.595716, -0.274453, -0.321263, 0.211456, -0.522591, 0.311135,
];
export const YIQ_TO_RGB: Mat3 = inverse3(RGB_TO_YIQ);

export function mul3(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++) r[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return r as Mat3;
}

export function inverse3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('matrix is not invertible');
  const inv = [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ];
  return inv.map((v) => v / det) as Mat3;
}

/**
 * Lower-triangular L with L L^T = m for a symmetric positive semi-definite 3x3 m. A tiny ridge
 * keeps flat images (a channel with zero variance, e.g. greyscale) invertible.
 */
export function cholesky3(m: Mat3, ridge = 1e-6): Mat3 {
  const L = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[3 * i + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= L[3 * i + k] * L[3 * j + k];
      L[3 * i + j] = i === j ? Math.sqrt(Math.max(s, ridge)) : s / L[3 * j + j];
    }
  }
  return L as Mat3;
}

export interface ColourStats {
  mean: [number, number, number];
  /** Population covariance, row-major 3x3. */
  cov: Mat3;
}

/** Mean and 3x3 covariance of an image's pixels [H, W, 3] (float64 sums). */
export function colourStats(img: tf.Tensor3D): ColourStats {
  const d = img.dataSync();
  const n = d.length / 3;
  const mean: [number, number, number] = [0, 0, 0];
  for (let p = 0; p < d.length; p += 3) {
    mean[0] += d[p];
    mean[1] += d[p + 1];
    mean[2] += d[p + 2];
  }
  for (let c = 0; c < 3; c++) mean[c] /= n;
  const cov = new Array<number>(9).fill(0);
  for (let p = 0; p < d.length; p += 3) {
    const x0 = d[p] - mean[0];
    const x1 = d[p + 1] - mean[1];
    const x2 = d[p + 2] - mean[2];
    cov[0] += x0 * x0;
    cov[1] += x0 * x1;
    cov[2] += x0 * x2;
    cov[4] += x1 * x1;
    cov[5] += x1 * x2;
    cov[8] += x2 * x2;
  }
  cov[3] = cov[1];
  cov[6] = cov[2];
  cov[7] = cov[5];
  return { mean, cov: cov.map((v) => v / n) as Mat3 };
}

/** y = M x + b for every pixel of [H, W, 3]. */
export function affinePixels(img: tf.Tensor3D, m: Mat3, b: readonly number[]): tf.Tensor3D {
  return tf.tidy(() => {
    const [h, w] = img.shape;
    // Row vectors: y^T = x^T M^T.
    const mt = tf.tensor2d([m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]], [3, 3]);
    const flat = tf.matMul(tf.reshape(img, [h * w, 3]) as tf.Tensor2D, mt);
    return tf.reshape(tf.add(flat, tf.tensor1d([...b])), [h, w, 3]) as tf.Tensor3D;
  });
}

/**
 * The style's colours mapped to the content's mean and covariance (not clipped: clipping would
 * break the match, and the network takes any values).
 */
export function matchColours(style: tf.Tensor3D, content: tf.Tensor3D): tf.Tensor3D {
  const s = colourStats(style);
  const c = colourStats(content);
  const m = mul3(cholesky3(c.cov), inverse3(cholesky3(s.cov)));
  // x' = M (x - mu_s) + mu_c = M x + (mu_c - M mu_s)
  const b = [0, 1, 2].map(
    (i) => c.mean[i] - (m[3 * i] * s.mean[0] + m[3 * i + 1] * s.mean[1] + m[3 * i + 2] * s.mean[2]),
  );
  return affinePixels(style, m, b);
}

/** YIQ of an RGB image (both [H, W, 3]). */
export function rgbToYiq(img: tf.Tensor3D): tf.Tensor3D {
  return affinePixels(img, RGB_TO_YIQ, [0, 0, 0]);
}

export function yiqToRgb(img: tf.Tensor3D): tf.Tensor3D {
  return affinePixels(img, YIQ_TO_RGB, [0, 0, 0]);
}

/** Y of an RGB image, [H, W, 1]. */
export function luminance(img: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => tf.slice(rgbToYiq(img), [0, 0, 0], [-1, -1, 1]));
}

function meanStd(y: tf.Tensor3D): { mean: number; std: number } {
  const d = y.dataSync();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  const mean = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / d.length) };
}

/** The luminance of an image as a 3-channel grey image (what the network sees in luminance mode). */
export function greyFromLuminance(y: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => tf.tile(y, [1, 1, 3]) as tf.Tensor3D);
}

/** Y (3 channels) of the style with the content's luminance mean and standard deviation. */
export function matchedStyleLuminance(style: tf.Tensor3D, content: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const ys = luminance(style);
    const yc = luminance(content);
    const s = meanStd(ys);
    const c = meanStd(yc);
    const gain = s.std > 1e-6 ? c.std / s.std : 1;
    return greyFromLuminance(tf.add(tf.mul(tf.sub(ys, s.mean), gain), c.mean) as tf.Tensor3D);
  });
}

/**
 * The image a run in luminance mode shows: the generated image's Y with the content's I and Q,
 * back in RGB and clipped to 0..255. `contentIq` is [H, W, 2].
 */
export function recombineLuminance(generated: tf.Tensor3D, contentIq: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(
    () =>
      tf.clipByValue(
        yiqToRgb(tf.concat([luminance(generated), contentIq], 2) as tf.Tensor3D),
        0,
        255,
      ) as tf.Tensor3D,
  );
}

/**
 * How a run's images move between the colours people see and the colours the network optimises.
 * Owns what it keeps (the content's chroma in luminance mode); dispose() frees it.
 */
export class ColourPreservation {
  private readonly contentIq: tf.Tensor3D | null;

  constructor(
    readonly mode: ColourMode,
    content: tf.Tensor3D,
  ) {
    this.contentIq =
      mode === 'luminance'
        ? tf.tidy(() => tf.slice(rgbToYiq(content), [0, 0, 1], [-1, -1, 2]) as tf.Tensor3D)
        : null;
  }

  /** The content image as the run sees it (a new tensor). */
  content(content: tf.Tensor3D): tf.Tensor3D {
    return this.mode === 'luminance'
      ? tf.tidy(() => greyFromLuminance(luminance(content)))
      : tf.clone(content);
  }

  /** A style image as the run sees it (a new tensor; any size). */
  style(style: tf.Tensor3D, content: tf.Tensor3D): tf.Tensor3D {
    switch (this.mode) {
      case 'luminance':
        return matchedStyleLuminance(style, content);
      case 'match':
        return matchColours(style, content);
      default:
        return tf.clone(style);
    }
  }

  /** A picture (RGB) brought into the run's space, e.g. a saved image to resume from. */
  toRun(img: tf.Tensor3D): tf.Tensor3D {
    return this.mode === 'luminance'
      ? tf.tidy(() => greyFromLuminance(luminance(img)))
      : tf.clone(img);
  }

  /** The run's image as people see it (RGB 0..255; a new tensor). */
  toDisplay(x: tf.Tensor3D): tf.Tensor3D {
    return this.contentIq ? recombineLuminance(x, this.contentIq) : tf.clone(x);
  }

  dispose(): void {
    this.contentIq?.dispose();
  }
}
