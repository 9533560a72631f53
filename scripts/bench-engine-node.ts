/**
 * Engine speed on Node's plain cpu backend: ms per Adam step and per L-BFGS step with SPEC's default
 * layers (content block4_conv2, styles block1_conv1..block5_conv1) and seeded random VGG16 weights.
 *   npx tsx scripts/bench-engine-node.ts [size=64] [steps=4]
 * The first step of each optimiser is timed apart (L-BFGS evaluates its start point as well).
 */
import * as tf from '@tensorflow/tfjs';
import { StyleTransferRun } from '../src/engine/run';
import { DEFAULT_SETTINGS, type OptimizerName } from '../src/engine/settings';
import { patternImage, randomWeights } from '../src/engine/testing';
import { disposeWeights } from '../src/model/weights';

const size = Number(process.argv[2] ?? 64);
const steps = Number(process.argv[3] ?? 4);

await tf.setBackend('cpu');
const weights = randomWeights('block5_conv1');
const content = patternImage(size, 'content');
const style = patternImage(size, 'style');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const optimizer of ['adam', 'lbfgs'] as OptimizerName[]) {
  let t = performance.now();
  const run = new StyleTransferRun(weights, content, style, { ...DEFAULT_SETTINGS, optimizer });
  const setupMs = performance.now() - t;
  const times: number[] = [];
  const evals: number[] = [];
  let last = NaN;
  for (let i = 0; i < steps; i++) {
    t = performance.now();
    const r = await run.step();
    times.push(performance.now() - t);
    evals.push(r.evaluations);
    last = r.losses.total;
    r.image.dispose();
  }
  run.dispose();
  const rest = times.slice(1);
  console.log(
    `${optimizer.padEnd(5)} ${size}x${size}: targets ${setupMs.toFixed(0)} ms, first step ${times[0].toFixed(0)} ms ` +
      `(${evals[0]} evals), then median ${rest.length ? median(rest).toFixed(0) : '-'} ms/step ` +
      `(evals ${evals.slice(1).join(',')}), J ${last.toExponential(3)}`,
  );
}
console.log(
  `tensors left: ${tf.memory().numTensors} (expected 24: the 22 weight tensors up to block5_conv1 and the two images)`,
);
disposeWeights(weights);
tf.dispose([content, style]);
