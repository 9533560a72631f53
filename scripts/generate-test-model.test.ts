import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { CALIBRATION_SIZE, encodeDemoModel } from './generate-test-model';
import { problemImages } from './bench/inputs';
import { writeModelDirAtomic } from './write-model-dir';
import { toCaffe } from '../src/engine/preprocess';
import { block1FilterBank } from '../src/model/demo/filterBank';
import { randomOrthonormalRows } from '../src/model/demo/orthogonal';
import { BLOCK1_GAIN, DEMO_RECIPE_NAME } from '../src/model/demo/recipe';
import { decodeModel, type EncodedModel, parseModelJson } from '../src/model/format';
import { CONV_LAYERS, VGG16_LAYERS, VGG16_PARAM_COUNT } from '../src/model/topology';
import type { RawVgg16Weights } from '../src/model/weights';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'demo-model-'));
  dirs.push(d);
  return d;
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) {
    out[f] = createHash('sha256')
      .update(await readFile(join(dir, f)))
      .digest('hex');
  }
  return out;
}

const decode = (m: EncodedModel): RawVgg16Weights => decodeModel(m.modelJson, m.shards);

/** Output channel o of an HWIO kernel as a vector over (ky, kx, in). */
function filterOf(kernel: Float32Array, outC: number, o: number): Float64Array {
  const n = kernel.length / outC;
  return Float64Array.from({ length: n }, (_, r) => kernel[r * outC + o]);
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Per-channel std and fraction > 0 of every conv layer's pre-activation on the calibration images. */
function preActivationStats(raw: RawVgg16Weights) {
  const { content, style } = problemImages(CALIBRATION_SIZE);
  const stats = new Map<string, { std: number[]; positive: number[] }>();
  let x: tf.Tensor4D = tf.concat([toCaffe(content), toCaffe(style)]);
  tf.dispose([content, style]);
  for (const spec of VGG16_LAYERS) {
    const prev = x;
    if (spec.kind === 'pool') {
      x = tf.maxPool(prev, 2, 2, 'valid');
    } else {
      const { kernel, bias } = raw[spec.name]!;
      const c = spec.outChannels;
      const z = tf.tidy(() =>
        tf.add(
          tf.conv2d(prev, tf.tensor4d(kernel, [3, 3, spec.inChannels, c]), 1, 'same'),
          tf.tensor1d(bias),
        ),
      );
      const v = z.dataSync();
      const n = v.length / c;
      const std: number[] = [];
      const positive: number[] = [];
      for (let o = 0; o < c; o++) {
        let [s, ss, p] = [0, 0, 0];
        for (let i = 0; i < n; i++) {
          const a = v[i * c + o];
          s += a;
          ss += a * a;
          if (a > 0) p++;
        }
        std.push(Math.sqrt(ss / n - (s / n) ** 2));
        positive.push(p / n);
      }
      stats.set(spec.name, { std, positive });
      x = tf.relu(z) as tf.Tensor4D;
      z.dispose();
    }
    prev.dispose();
  }
  x.dispose();
  return stats;
}

describe('generate-test-model (the demo VGG16)', () => {
  let models: EncodedModel[];
  beforeAll(async () => {
    // Two full builds (about 30 s each on a busy 2-core machine): the same seed twice.
    models = [await encodeDemoModel(1), await encodeDemoModel(1)];
  }, 15 * 60_000);

  it('writes the same bytes for the same seed; another seed draws other filters', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    await writeModelDirAtomic(a, models[0]);
    await writeModelDirAtomic(b, models[1]);
    const [ha, hb] = [await hashes(a), await hashes(b)];
    expect(Object.keys(ha)).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `group1-shard${i + 1}of8.bin`),
      'model.json',
    ]);
    expect(hb).toEqual(ha);
    // The seed reaches every random layer (a third full build would only repeat this).
    const [s1, s2] = [randomOrthonormalRows(8, 72, 1001), randomOrthonormalRows(8, 72, 2001)];
    expect(Array.from(s2)).not.toEqual(Array.from(s1));
    expect(Array.from(randomOrthonormalRows(8, 72, 1001))).toEqual(Array.from(s1));
  });

  it('writes a complete, labelled demo model with its recipe, replacing an old one atomically', async () => {
    const dir = join(await tempDir(), 'vgg16-demo');
    await writeModelDirAtomic(dir, models[0]);
    await writeModelDirAtomic(dir, models[1]); // over an existing model
    expect(await readdir(join(dir, '..'))).toEqual(['vgg16-demo']); // no temp or old folders
    const json = parseModelJson(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')));
    expect(json.userDefinedMetadata).toMatchObject({
      label: 'demo',
      seed: 1,
      recipe: {
        name: DEMO_RECIPE_NAME,
        seed: 1,
        block1_conv1: { gain: BLOCK1_GAIN },
        calibration: {
          images: ['public/samples/hills.png', 'public/samples/brush-strokes.png'],
          size: `${CALIBRATION_SIZE}x${CALIBRATION_SIZE}`,
        },
      },
    });
    const shards = await Promise.all(
      json.weightsManifest[0].paths.map((p) => readFile(join(dir, p))),
    );
    expect(shards.reduce((s, b) => s + b.length, 0)).toBe(2 * VGG16_PARAM_COUNT);
  });

  it('ensure-test-model.mjs replaces a model made by another recipe', async () => {
    const mjs = await readFile(join(import.meta.dirname, 'ensure-test-model.mjs'), 'utf8');
    expect(mjs).toContain(`const RECIPE = '${DEMO_RECIPE_NAME}';`);
  });

  it('block1_conv1 is the colour-opponent filter bank in +/- pairs, named in the recipe', () => {
    const raw = decode(models[0]);
    const bank = block1FilterBank();
    const { kernel, bias } = raw.block1_conv1!;
    expect(Array.from(bias)).toEqual(Array(64).fill(0));
    expect(
      (models[0].modelJson.userDefinedMetadata.recipe as { block1_conv1: { channels: string[] } })
        .block1_conv1.channels,
    ).toEqual(bank.map((f) => f.name));
    for (let o = 0; o < 64; o += 2) {
      const [plus, minus] = [filterOf(kernel, 64, o), filterOf(kernel, 64, o + 1)];
      expect(Array.from(minus)).toEqual(Array.from(plus, (v) => -v));
      // Same direction as the bank's filter (only the length is calibrated).
      const w = bank[o].weights;
      expect(dot(plus, w) / Math.sqrt(dot(plus, plus) * dot(w, w))).toBeGreaterThan(0.9999);
    }
    // Luminance, red-green and blue-yellow filters see orthogonal colour directions: a grey edge
    // (same change in B, G and R) gives no red-green or blue-yellow response.
    const greyEdge = Array.from({ length: 27 }, (_, r) => (r % 9 < 3 ? -1 : r % 9 >= 6 ? 1 : 0));
    bank.forEach((f) => {
      if (f.channel !== 'L') expect(Math.abs(dot(f.weights, greyEdge))).toBeLessThan(1e-12);
    });
  });

  it('deeper layers are orthogonal filters, each channel unit variance and about half positive on the samples', async () => {
    await tf.setBackend('wasm');
    const raw = decode(models[0]);
    for (const name of ['block2_conv1', 'block5_conv3'] as const) {
      const spec = CONV_LAYERS.find((l) => l.name === name)!;
      const c = spec.outChannels;
      const unitFilters = Array.from({ length: 48 }, (_, i) => {
        const f = filterOf(raw[name]!.kernel, c, (i * 37) % c);
        const n = Math.sqrt(dot(f, f));
        return f.map((v) => v / n);
      });
      let worst = 0;
      for (let i = 0; i < unitFilters.length; i++)
        for (let j = 0; j < i; j++)
          worst = Math.max(worst, Math.abs(dot(unitFilters[i], unitFilters[j])));
      // Gaussian filters of this length would be ~1/sqrt(9 * in) apart: 0.015-0.04, max ~4x that.
      expect(worst, name).toBeLessThan(2e-3);
    }
    const stats = preActivationStats(raw);
    for (const [name, { std, positive }] of stats) {
      if (name === 'block1_conv1') {
        std.forEach((s) => expect(s, name).toBeCloseTo(BLOCK1_GAIN, 1));
        continue;
      }
      for (let o = 0; o < std.length; o++) {
        expect(std[o], `${name} channel ${o} std`).toBeGreaterThan(0.97);
        expect(std[o], `${name} channel ${o} std`).toBeLessThan(1.03);
        expect(Math.abs(positive[o] - 0.5), `${name} channel ${o} positive`).toBeLessThan(0.03);
      }
    }
  });
});
