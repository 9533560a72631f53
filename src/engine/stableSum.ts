/**
 * Sums that stay accurate in float32, for every loss that is reported or compared (the J per
 * layer, L-BFGS's line search, the run's divergence guard).
 *
 * tfjs-wasm's Sum adds float32 values one at a time into one accumulator, so its error grows with
 * the number of terms: a 512x512 Gram's cost came out 7e-5 to 3e-4 relative off a float64 sum.
 * Summing in blocks of BLOCK (then the block sums in blocks, and so on) bounds each accumulator
 * to BLOCK terms: about 4e-8 relative on the same Gram (src/engine/stableSum.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** Terms per accumulator. 64-256 all gave ~4e-8 on a 512x512 Gram's cost; 256 needs fewest levels. */
const BLOCK = 256;

/** The blocked sum of all elements (no gradient recorded: the caller's customGrad supplies it). */
function blockedSum(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    let flat = tf.reshape(x, [-1]) as tf.Tensor1D;
    while (flat.size > BLOCK) {
      const blocks = Math.ceil(flat.size / BLOCK);
      // Zeros fill the last block (an exact no-op in a sum).
      if (blocks * BLOCK !== flat.size) flat = tf.pad(flat, [[0, blocks * BLOCK - flat.size]]);
      flat = tf.sum(tf.reshape(flat, [blocks, BLOCK]), 1);
    }
    return tf.sum(flat);
  });
}

/**
 * sum(x) over all elements, as a scalar, accurate to a few float32 ulps whatever the size. Its
 * gradient is tf.sum's (dy at every element), so the optimisation is unchanged.
 */
export const stableSum = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return {
    value: blockedSum(x),
    // dy * 1 everywhere, exactly tf.sum's gradient; tf.broadcastTo (a Tile) took ~15x as long
    // on wasm for the costs' shapes at 128 px.
    gradFunc: (dy: tf.Tensor) => tf.mul(tf.onesLike(x), dy),
  };
}) as (x: tf.Tensor) => tf.Scalar;

/** The dot product of two same-shaped tensors, summed as stableSum does. */
export function stableDot(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => stableSum(tf.mul(a, b)));
}
