/**
 * Where the Gram matrices' time goes on tfjs wasm (one thread, Node), per style layer at a size:
 * the transpose X^T, the product X^T X as a step runs it (X is a new tensor each step, so wasm's
 * matMul packs it as its weight operand every time), the same product with X already packed, and
 * the gradient's product X (dG + dG^T). Best of `reps` each.
 *   node --import tsx scripts/bench/gramCost.ts [size=256] [reps=7]
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { styleActivationShapes } from '../../src/worker/bench';
import { useBackend } from './node';

const size = Number(process.argv[2] ?? 256);
const reps = Number(process.argv[3] ?? 7);
await useBackend('wasm');

async function best(f: () => tf.Tensor): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = f();
    await r.data();
    min = Math.min(min, performance.now() - t0);
    r.dispose();
  }
  return min;
}

const columns = ['transpose', 'X^T X (new X)', 'X^T X (X packed)', 'X S (gradient)', 'copy of X'];
console.log(`| style layer shape | GFLOP (both products) | ${columns.join(' ms | ')} ms |`);
console.log(`|${'---|'.repeat(columns.length + 2)}`);
const total = new Array<number>(columns.length).fill(0);
for (const [h, w, c] of styleActivationShapes(DEFAULT_SETTINGS, size, size)) {
  const x = tf.randomUniform([h * w, c], 0, 1, 'float32', 7) as tf.Tensor2D;
  const xT = tf.transpose(x) as tf.Tensor2D;
  const s = tf.randomUniform([c, c], 0, 1, 'float32', 8) as tf.Tensor2D;
  const ms = [
    await best(() => tf.transpose(x)),
    // A copy of X first (timed alone in the last column): a tensor wasm's matMul has not seen.
    await best(() => tf.tidy(() => tf.matMul(xT, tf.clone(x)))),
    await best(() => tf.matMul(xT, x)),
    await best(() => tf.matMul(x, s)),
    await best(() => tf.clone(x)),
  ];
  ms.forEach((v, i) => (total[i] += v));
  const gflop = (2 * 2 * h * w * c * c) / 1e9;
  console.log(
    `| ${h}×${w}×${c} | ${gflop.toFixed(2)} | ${ms.map((v) => v.toFixed(1)).join(' | ')} |`,
  );
  tf.dispose([x, xT, s]);
}
console.log(`| all | | ${total.map((v) => v.toFixed(1)).join(' | ')} |`);
