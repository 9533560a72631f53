/**
 * Seeded random orthonormal rows: a random orthogonal conv layer, where every output channel's
 * 3x3xC_in filter has unit length and is orthogonal to the others.
 */
import * as tf from '@tensorflow/tfjs';
import { fillNormal, mulberry32 } from '../randomWeights';

/** Cholesky factor L (L L^T = G) of a symmetric positive definite n x n matrix, then L^-1; float64. */
function inverseCholeskyFactor(g: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) throw new Error('randomOrthonormalRows: Gram matrix not positive definite');
    l[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = g[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / l[j * n + j];
    }
  }
  // Rows of X = L^-1 from L X = I: X_i = (e_i - sum_{k<i} L_ik X_k) / L_ii (row operations only).
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const xi = i * n;
    x[xi + i] = 1;
    for (let k = 0; k < i; k++) {
      const lik = l[i * n + k];
      const xk = k * n;
      for (let c = 0; c <= k; c++) x[xi + c] -= lik * x[xk + c];
    }
    const inv = 1 / l[i * n + i];
    for (let c = 0; c <= i; c++) x[xi + c] *= inv;
  }
  return x;
}

/**
 * `rows` x `cols` (rows <= cols) with orthonormal rows, row-major: Gaussian rows (seeded, so the
 * same seed draws the same matrix) made orthonormal by Cholesky QR, Q = L^-1 W with L L^T = W W^T.
 * A Gaussian matrix at least 4x wider than tall (every VGG16 layer after the first) has a condition
 * number below 3, where Cholesky QR is as accurate as Householder. The two large products run on
 * the active tfjs backend; the small factorisation in float64.
 */
export function randomOrthonormalRows(rows: number, cols: number, seed: number): Float32Array {
  if (rows > cols) {
    throw new Error(`randomOrthonormalRows: ${rows} rows cannot be orthonormal in ${cols} dims`);
  }
  const draws = new Float32Array(rows * cols);
  fillNormal(draws, 1, mulberry32(seed));
  // tidy returns the tensor, not its data: tidy walks a returned array element by element.
  const q = tf.tidy(() => {
    const w = tf.tensor2d(draws, [rows, cols]);
    // transposeB is a slow path on the wasm backend; an explicit transpose is not.
    const gram = Float64Array.from(tf.matMul(w, tf.transpose(w)).dataSync());
    const linv = tf.tensor2d(Float32Array.from(inverseCholeskyFactor(gram, rows)), [rows, rows]);
    return tf.matMul(linv, w);
  });
  const out = q.dataSync() as Float32Array;
  q.dispose();
  return out;
}
