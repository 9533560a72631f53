/**
 * Run by src/engine/fma/fmaConv.test.ts in a child `node --experimental-wasm-relaxed-simd`: the
 * engine's mode 'fma' (both convs of every layer by the FMA kernel) against 'forward-conv' (tfjs'
 * kernels) on the wasm backend, activations and input gradient, at two sizes, with 1 and 2
 * threads and both builds. Prints one JSON line: relative L2 errors, or why it could not run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { gradientProbe, randomWeightsWithBiases, relL2 } from '../../src/engine/testing';
import { setExternalConv } from '../../src/engine/vgg16';
import type { InputGradientMode } from '../../src/engine/vgg16';
import { disposeWeights } from '../../src/model/weights';
import type { FmaVariant } from '../../src/engine/fma/fmaConv';
import { nodeFmaConv } from './fmaNode';

const layers = ['block1_conv1', 'block1_conv2', 'block2_conv2', 'block3_conv1'] as const;

await tf.setBackend('wasm');
const weights = randomWeightsWithBiases('block3_conv1', 9, 300);

function pass(mode: InputGradientMode, h: number, w: number): Float32Array[] {
  const { acts, grad } = gradientProbe(weights, layers, mode, h, w, 17);
  return [...acts, grad];
}

const results: {
  variant: FmaVariant;
  threads: number;
  size: string;
  relL2: number[];
  /** Kernel calls in the 'fma' pass (5 convs to block3_conv1, forward and gradient: 10). */
  calls: number;
}[] = [];
let skipped: string | null = null;
outer: for (const variant of ['relaxed', 'simd'] as const) {
  for (const threads of [1, 2]) {
    const conv = await nodeFmaConv(variant, threads);
    if (!conv) {
      skipped = `${variant}: this Node cannot run the kernel`;
      break outer;
    }
    let calls = 0;
    setExternalConv({
      run: (...a) => {
        calls++;
        return conv.run(...a);
      },
      takes: () => true,
    });
    for (const [h, w] of [
      [14, 14],
      [19, 27],
    ]) {
      const ref = pass('forward-conv', h, w);
      calls = 0;
      const got = pass('fma', h, w);
      const errs = got.map((g, i) => relL2(g, ref[i]));
      results.push({ variant, threads, size: `${h}x${w}`, relL2: errs, calls });
    }
    setExternalConv(null);
    conv.dispose();
  }
}
disposeWeights(weights);
console.log(JSON.stringify({ skipped, results, numTensors: tf.memory().numTensors }));
process.exit(0);
