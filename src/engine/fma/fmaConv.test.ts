import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeWeights, type Vgg16Weights } from '../../model/weights';
import { randomWeights, seededArray } from '../testing';
import { extractFeatures, setExternalConv, setInputGradientMode } from '../vgg16';
import { canRunFma, FmaConv } from './fmaConv';
import { helperShare } from './protocol';

const ROOT = join(import.meta.dirname, '../../..');
const bytes = (v: string) =>
  new Uint8Array(readFileSync(join(ROOT, `src/engine/fma/conv3x3-${v}.wasm`)));

describe('FMA conv fallback (no relaxed SIMD needed)', () => {
  let weights: Vgg16Weights;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block1_conv2', 4);
  });
  afterAll(() => {
    setInputGradientMode('forward-conv');
    setExternalConv(null);
    disposeWeights(weights);
  });

  it('says no to bytes this engine cannot compile, and yes to the plain SIMD build', () => {
    expect(canRunFma(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 0xff]))).toBe(false);
    // Plain SIMD and shared memory: every Node the project supports runs it.
    expect(canRunFma(bytes('simd'))).toBe(true);
  });

  it("runs mode 'fma' on tfjs' kernels when no FMA conv is set, or for layers it does not take", () => {
    const grad = (mode: 'fma' | 'forward-conv') => {
      setInputGradientMode(mode);
      return tf.tidy(() => {
        const x = tf.tensor4d(seededArray(8 * 8 * 3, 3, -50, 50), [1, 8, 8, 3]);
        const g = tf.grad((v: tf.Tensor) =>
          tf.sum(extractFeatures(weights, v as tf.Tensor4D, ['block1_conv2']).block1_conv2),
        )(x);
        return g.dataSync();
      });
    };
    const ref = grad('forward-conv');
    setExternalConv(null);
    expect(grad('fma')).toEqual(ref);
    let calls = 0;
    setExternalConv({
      run: () => {
        calls++;
        throw new Error('not this layer');
      },
      takes: () => false,
    });
    expect(grad('fma')).toEqual(ref);
    expect(calls).toBe(0);
  });

  it('packs a filter once per key, and again once a packed filter is gone (plain SIMD build)', async () => {
    const conv = await FmaConv.create(bytes('simd'));
    const [h, w, c, n] = [9, 7, 5, 11];
    const x = tf.tensor4d(seededArray(h * w * c, 1), [1, h, w, c]);
    const f = tf.tensor4d(seededArray(9 * c * n, 2), [3, 3, c, n]);
    const b = tf.tensor1d(seededArray(n, 3));
    const ref = tf.tidy(() => tf.relu(tf.add(tf.conv2d(x, f, 1, 'same'), b)).dataSync());
    let reads = 0;
    let alive = true;
    const src = (key: object) => ({
      key,
      filter: () => (reads++, f.dataSync() as Float32Array),
      bias: () => b.dataSync() as Float32Array,
      live: () => alive,
    });
    const first = src({});
    const xd = x.dataSync() as Float32Array;
    for (let i = 0; i < 3; i++) {
      const y = conv.run(xd, h, w, c, first, n, true);
      let maxDiff = 0;
      for (let j = 0; j < y.length; j++) maxDiff = Math.max(maxDiff, Math.abs(y[j] - ref[j]));
      expect(maxDiff).toBeLessThan(1e-5);
    }
    expect(reads).toBe(1);
    alive = false; // the first filter is gone: a new key repacks from the start of the area
    conv.run(xd, h, w, c, src({}), n, true);
    expect(reads).toBe(2);
    conv.dispose();
    tf.dispose([x, f, b]);
  });

  it('splits the panels between threads without gaps or overlaps', () => {
    for (const [panels, threads] of [
      [1, 2],
      [7, 2],
      [10923, 3],
    ]) {
      const shares = Array.from({ length: threads }, (_, i) => helperShare(panels, threads, i));
      expect(shares[0][0]).toBe(0);
      expect(shares[threads - 1][1]).toBe(panels);
      for (let i = 1; i < threads; i++) expect(shares[i][0]).toBe(shares[i - 1][1]);
    }
  });
});

/**
 * The FMA path itself needs relaxed SIMD, which Node 20 runs only with a flag: a child process
 * with it runs scripts/bench/fmaExactness.ts (mode 'fma' against tfjs' kernels on wasm).
 */
describe('FMA conv against tfjs (child node --experimental-wasm-relaxed-simd)', () => {
  it('gives the activations and the input gradient to float32 rounding at two sizes', () => {
    const r = spawnSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'scripts/bench/fmaExactness.ts'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      skipped: string | null;
      results: { variant: string; threads: number; size: string; relL2: number[]; calls: number }[];
      numTensors: number;
    };
    expect(out.skipped).toBeNull();
    expect(out.results.map((x) => `${x.variant} ${x.threads} ${x.size}`)).toEqual([
      'relaxed 1 14x14',
      'relaxed 1 19x27',
      'relaxed 2 14x14',
      'relaxed 2 19x27',
      'simd 1 14x14',
      'simd 1 19x27',
      'simd 2 14x14',
      'simd 2 19x27',
    ]);
    for (const x of out.results) {
      expect(x.calls).toBe(10);
      expect(x.relL2).toHaveLength(5);
      for (const e of x.relL2) expect(e).toBeLessThan(1e-5);
    }
    expect(out.numTensors).toBe(0);
  }, 150_000);
});
