import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  decodeModel,
  encodeModel,
  type ModelJson,
  parseModelJson,
  shardPaths,
  weightBytes,
} from './format';
import { decodeFloat16, encodeFloat16 } from './float16';
import { randomVgg16Weights } from './randomWeights';
import { referenceActivations, relativeL2 } from './referenceForward';
import { CONV_LAYER_NAMES, type ConvLayerName, VGG16_PARAM_COUNT } from './topology';
import { WeightsFormatError } from './errors';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const demo = { label: 'demo' as const, source: 'test', seed: 7 };

function caffeInput(size: number, seed: number): tf.Tensor4D {
  return tf.tidy(
    () => tf.randomUniform([1, size, size, 3], 0, 255, 'float32', seed).sub(120) as tf.Tensor4D,
  );
}

describe('model format', () => {
  it('round-trips a prefix of VGG16 through float16 shards', () => {
    const raw = randomVgg16Weights(3, 'block2_conv2');
    const { modelJson, shards } = encodeModel(raw, demo, { shardBytes: 100_000 });
    const total = shards.reduce((s, b) => s + b.length, 0);
    expect(total).toBe(weightBytes(modelJson));
    expect(total).toBe(2 * (1728 + 64 + 36864 + 64 + 73728 + 128 + 147456 + 128));
    expect(shards.length).toBe(Math.ceil(total / 100_000));
    expect(shardPaths(modelJson)[0]).toBe(`group1-shard1of${shards.length}.bin`);
    expect(modelJson.weightsManifest[0].weights.map((w) => w.name).slice(0, 3)).toEqual([
      'block1_conv1/kernel',
      'block1_conv1/bias',
      'block1_conv2/kernel',
    ]);
    const back = decodeModel(modelJson, shards);
    expect(Object.keys(back)).toEqual([
      'block1_conv1',
      'block1_conv2',
      'block2_conv1',
      'block2_conv2',
    ]);
    const k = raw.block2_conv1!.kernel;
    expect(Array.from(back.block2_conv1!.kernel)).toEqual(
      Array.from(decodeFloat16(encodeFloat16(k))),
    );
    expect(back.block2_conv1!.kernel[5]).not.toBe(k[5]); // float16 really rounds...
    expect(Math.abs(back.block2_conv1!.kernel[5] - k[5])).toBeLessThan(Math.abs(k[5]) * 2 ** -10); // ...a little
  });

  it('is what tf.io.decodeWeights reads', () => {
    const raw = randomVgg16Weights(3, 'block1_conv2');
    const { modelJson, shards } = encodeModel(raw, demo);
    const specs = modelJson.weightsManifest[0].weights;
    const tensors = tf.io.decodeWeights(shards[0].slice().buffer, specs);
    const ours = decodeModel(modelJson, shards);
    expect(tensors['block1_conv2/kernel'].shape).toEqual([3, 3, 64, 64]);
    expect(Array.from(tensors['block1_conv2/kernel'].dataSync())).toEqual(
      Array.from(ours.block1_conv2!.kernel),
    );
    Object.values(tensors).forEach((t) => t.dispose());
  });

  it('loads with tf.loadLayersModel (full network) and computes the same activations', async () => {
    const raw = randomVgg16Weights(1);
    const { modelJson, shards } = encodeModel(raw, demo);
    expect(shards.reduce((s, b) => s + b.length, 0)).toBe(2 * VGG16_PARAM_COUNT);
    const decoded = decodeModel(modelJson, shards);
    const all = new Uint8Array(weightBytes(modelJson));
    let o = 0;
    for (const s of shards) {
      all.set(s, o);
      o += s.length;
    }
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as object,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: all.buffer,
      }),
    );
    expect(model.layers.map((l) => l.name).at(-1)).toBe('block5_pool');
    const x = caffeInput(32, 5);
    const y = model.predict(x) as tf.Tensor4D;
    expect(y.shape).toEqual([1, 1, 1, 512]);
    const ref = referenceActivations(decoded, x, ['block5_conv3']);
    const pooled = tf.maxPool(ref.get('block5_conv3')!, 2, 2, 'valid');
    expect(relativeL2(y, pooled)).toBeLessThan(1e-4);
    tf.dispose([x, y, pooled, ...ref.values()]);
    model.dispose();
  });

  it('changes activations negligibly when weights are stored as float16', () => {
    const layers: ConvLayerName[] = [
      'block1_conv1',
      'block2_conv1',
      'block3_conv1',
      'block4_conv1',
      'block5_conv1',
    ];
    const raw = randomVgg16Weights(1, 'block5_conv1');
    const { modelJson, shards } = encodeModel(raw, demo);
    const half = decodeModel(modelJson, shards);
    const x = caffeInput(32, 11);
    const a32 = referenceActivations(raw, x, layers);
    const a16 = referenceActivations(half, x, layers);
    const report = layers.map((l) => [l, relativeL2(a16.get(l)!, a32.get(l)!)] as const);
    console.log(
      'float16 vs float32 activations, relative L2:',
      report.map(([l, r]) => `${l} ${r.toExponential(2)}`).join(', '),
    );
    for (const [, r] of report) {
      expect(r).toBeLessThan(1e-2);
      expect(r).toBeGreaterThan(0); // the rounding is real, not a no-op
    }
    tf.dispose([x, ...a32.values(), ...a16.values()]);
  });

  describe('rejects malformed models with a clear error', () => {
    const { modelJson, shards } = encodeModel(randomVgg16Weights(2, 'block1_conv2'), demo);
    /** A mutable copy, loosely typed so each case can break one field. */
    type Loose = Omit<ModelJson, 'format' | 'userDefinedMetadata' | 'weightsManifest'> & {
      format: string;
      userDefinedMetadata?: ModelJson['userDefinedMetadata'];
      weightsManifest: {
        paths: string[];
        weights: { name: string; shape: number[]; dtype: string }[];
      }[];
    };
    const clone = (): Loose => JSON.parse(JSON.stringify(modelJson));

    it.each([
      ['not layers-model', (j: Loose) => (j.format = 'graph-model'), /format is "graph-model"/],
      ['no label', (j: Loose) => delete j.userDefinedMetadata, /label/],
      [
        'wrong shape',
        (j: Loose) => (j.weightsManifest[0].weights[0].shape = [3, 3, 3, 32]),
        /block1_conv1\/kernel has shape 3x3x3x32, expected 3x3x3x64/,
      ],
      [
        'missing layer',
        (j: Loose) => j.weightsManifest[0].weights.splice(0, 2),
        /missing layer block1_conv1/,
      ],
      [
        'wrong dtype',
        (j: Loose) => (j.weightsManifest[0].weights[1].dtype = 'int32'),
        /block1_conv1\/bias has dtype int32/,
      ],
    ])('%s', (_name, mutate, message) => {
      const j = clone();
      mutate(j);
      expect(() => decodeModel(j, shards)).toThrow(WeightsFormatError);
      expect(() => decodeModel(j, shards)).toThrow(message);
    });

    it('truncated weight data', () => {
      const cut = shards[0].slice(0, shards[0].length - 10);
      expect(() => decodeModel(modelJson, cut)).toThrow(
        /weight data is \d+ bytes, model.json describes \d+/,
      );
    });

    it('accepts the untouched model', () => {
      expect(parseModelJson(clone()).userDefinedMetadata).toEqual(demo);
      expect(Object.keys(decodeModel(clone(), shards))).toEqual(CONV_LAYER_NAMES.slice(0, 2));
    });
  });
});
