/**
 * SPEC.md's cost functions, exactly. Activations are [1, nH, nW, nC] (or [nH, nW, nC]); every
 * function returns a scalar tensor the caller owns and is differentiable for tf.grad. Every cost is
 * summed with stableSum: these are the numbers the page reports and the line search compares.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvLayerName } from '../model/topology';
import type { StyleLayerWeight } from './settings';
import { stableSum } from './stableSum';

/** [nH, nW, nC] of an activation, whatever its leading batch dim of 1. */
export function activationDims(a: tf.Tensor): [number, number, number] {
  const s = a.shape;
  if (!(s.length === 3 || (s.length === 4 && s[0] === 1))) {
    throw new Error(
      `expected an activation [1, nH, nW, nC] or [nH, nW, nC], got [${s.join(', ')}]`,
    );
  }
  return s.slice(-3) as [number, number, number];
}

function assertSameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.shape.join() !== b.shape.join()) {
    throw new Error(`${what}: shapes differ, [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  }
}

/** J_content = sum((aC - aG)^2) / (4 nH nW nC). */
export function contentCost(aC: tf.Tensor, aG: tf.Tensor): tf.Scalar {
  assertSameShape(aC, aG, 'contentCost');
  const [nH, nW, nC] = activationDims(aG);
  return tf.tidy(() => tf.div(stableSum(tf.squaredDifference(aC, aG)), 4 * nH * nW * nC));
}

/**
 * Gram matrix [nC, nC] = A A^T with A the (nC, nH*nW) unrolling: G_kk' = sum_ij a_ijk a_ijk'.
 * Computed as X^T X with X = A^T [nH*nW, nC], which is the NHWC memory order (no transpose copy).
 */
export function gramMatrix(a: tf.Tensor): tf.Tensor2D {
  const [nH, nW, nC] = activationDims(a);
  return tf.tidy(() => gramOfColumns(tf.reshape(a, [nH * nW, nC]) as tf.Tensor2D));
}

/**
 * X^T X with a hand-written gradient: dL/dX = X (dG + dG^T) is one matmul, where tfjs' autodiff
 * of matMul(x, x) takes one per operand. Grams and their gradients were the largest cost of a
 * step above the bare network (npm run bench: 15 BatchMatMul kernels, ~19% of a bare pass).
 * Every product is a plain one: on wasm, matMul with transposeA/B runs 10-70x slower than an
 * explicit transpose followed by a plain matMul (the transpose is one cheap copy).
 */
const gramOfColumns = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor2D;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.matMul(tf.transpose(x), x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.matMul(saved[0] as tf.Tensor2D, tf.add(dy, tf.transpose(dy)) as tf.Tensor2D),
  };
}) as (x: tf.Tensor2D) => tf.Tensor2D;

/**
 * J_style^[l] from a precomputed style Gram (targets are computed once per run):
 *   J = sum_{k,k'} (GS_kk' - GG_kk')^2 / (2 nH nW nC)^2
 * with nH, nW, nC the dims of the layer's activation (the generated image's, same as the style's).
 */
export function layerStyleCostFromGram(gramS: tf.Tensor2D, aG: tf.Tensor): tf.Scalar {
  const [nH, nW, nC] = activationDims(aG);
  if (gramS.shape[0] !== nC || gramS.shape[1] !== nC) {
    throw new Error(
      `layerStyleCost: target Gram is [${gramS.shape.join(', ')}], activation has ${nC} channels`,
    );
  }
  const norm = (2 * nH * nW * nC) ** 2;
  return tf.tidy(() => tf.div(stableSum(tf.squaredDifference(gramS, gramMatrix(aG))), norm));
}

/** J_style^[l](S, G) = sum((Gram(aS) - Gram(aG))^2) / (2 nH nW nC)^2. */
export function layerStyleCost(aS: tf.Tensor, aG: tf.Tensor): tf.Scalar {
  assertSameShape(aS, aG, 'layerStyleCost');
  return tf.tidy(() => layerStyleCostFromGram(gramMatrix(aS), aG));
}

type Acts = Partial<Record<ConvLayerName, tf.Tensor>>;

function need<T>(x: T | undefined, what: string): T {
  if (x === undefined) throw new Error(`missing ${what}`);
  return x;
}

/** J_style = sum_l lambda^[l] J_style^[l](S, G) over the given layers. */
export function styleCost(
  styleActs: Acts,
  genActs: Acts,
  layers: readonly StyleLayerWeight[],
): tf.Scalar {
  return tf.tidy(() => {
    const grams: Partial<Record<ConvLayerName, tf.Tensor2D>> = {};
    for (const { name } of layers) {
      const aS = need(styleActs[name], `style activation of ${name}`);
      assertSameShape(aS, need(genActs[name], `generated activation of ${name}`), 'styleCost');
      grams[name] = gramMatrix(aS);
    }
    return styleCostFromGrams(grams, genActs, layers);
  });
}

/** J_style from precomputed style Grams. */
export function styleCostFromGrams(
  styleGrams: Partial<Record<ConvLayerName, tf.Tensor2D>>,
  genActs: Acts,
  layers: readonly StyleLayerWeight[],
): tf.Scalar {
  return tf.tidy(() =>
    layers.reduce<tf.Scalar>(
      (acc, { name, weight }) =>
        tf.add(
          acc,
          tf.mul(
            layerStyleCostFromGram(
              need(styleGrams[name], `style Gram of ${name}`),
              need(genActs[name], `generated activation of ${name}`),
            ),
            weight,
          ),
        ),
      tf.scalar(0),
    ),
  );
}

/**
 * Total variation of an image [H, W, C] (or [1, H, W, C]): the usual sum of squared differences
 * between vertical and horizontal neighbours, divided by the number of values H*W*C. That
 * normalisation makes it a mean, so like J_content it does not grow with the image size and
 * tv_weight keeps its meaning across sizes. On the 0..255 scale (caffe's mean shift cancels out).
 */
export function totalVariation(img: tf.Tensor): tf.Scalar {
  const [H, W, C] = activationDims(img);
  return tf.tidy(() => {
    const x = tf.reshape(img, [H, W, C]);
    const dv =
      H > 1
        ? stableSum(
            tf.squaredDifference(
              tf.slice(x, [1, 0, 0], [H - 1, W, C]),
              tf.slice(x, [0, 0, 0], [H - 1, W, C]),
            ),
          )
        : tf.scalar(0);
    const dh =
      W > 1
        ? stableSum(
            tf.squaredDifference(
              tf.slice(x, [0, 1, 0], [H, W - 1, C]),
              tf.slice(x, [0, 0, 0], [H, W - 1, C]),
            ),
          )
        : tf.scalar(0);
    return tf.div(tf.add(dv, dh), H * W * C);
  });
}

/** J = alpha J_content + beta J_style + tvWeight TV. */
export function totalCost(
  jContent: tf.Scalar,
  jStyle: tf.Scalar,
  tv: tf.Scalar,
  weights: { alpha: number; beta: number; tvWeight: number },
): tf.Scalar {
  return tf.tidy(() =>
    tf.addN([
      tf.mul(jContent, weights.alpha),
      tf.mul(jStyle, weights.beta),
      tf.mul(tv, weights.tvWeight),
    ]),
  ) as tf.Scalar;
}
