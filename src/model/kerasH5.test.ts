import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { convertKerasH5 } from './kerasH5';
import { kerasLayersFromRaw, writeKerasH5 } from './writeKerasH5';
import { decodeModel, encodeModel } from './format';
import { randomVgg16Weights } from './randomWeights';
import { referenceActivations, relativeL2 } from './referenceForward';
import { CONV_LAYER_NAMES } from './topology';
import { WeightsFormatError } from './errors';

/** Asserts the class as well as the exact message (toThrow(instance) compares messages only). */
async function expectFormatError(p: Promise<unknown>, message: string | RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeightsFormatError);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Random biases too: the generator's are zero, which would hide a kernel/bias mix-up. */
function withRandomBiases(raw: ReturnType<typeof randomVgg16Weights>) {
  for (const w of Object.values(raw)) w!.bias = w!.bias.map((_, i) => Math.sin(i * 1.7) * 0.1);
  return raw;
}

describe('Keras .h5 converter', () => {
  it('reads Keras-layout datasets exactly and matches direct weights through encode/decode', async () => {
    const raw = withRandomBiases(randomVgg16Weights(4, 'block2_conv2'));
    const h5 = await writeKerasH5(kerasLayersFromRaw(raw));
    expect(Array.from(h5.slice(1, 4))).toEqual([0x48, 0x44, 0x46]); // "HDF"
    const converted = await convertKerasH5(h5, { upTo: 'block2_conv2' });
    expect(Object.keys(converted)).toEqual(CONV_LAYER_NAMES.slice(0, 4));
    for (const name of CONV_LAYER_NAMES.slice(0, 4)) {
      expect(converted[name]!.kernel).toEqual(raw[name]!.kernel);
      expect(converted[name]!.bias).toEqual(raw[name]!.bias);
    }
    const { modelJson, shards } = encodeModel(converted, {
      label: 'pretrained',
      source: 'test.h5',
    });
    const stored = decodeModel(modelJson, shards);
    const x = tf.randomUniform([1, 16, 16, 3], -120, 130, 'float32', 3) as tf.Tensor4D;
    const direct = referenceActivations(raw, x, ['block1_conv2', 'block2_conv2']);
    const viaFile = referenceActivations(stored, x, ['block1_conv2', 'block2_conv2']);
    for (const l of ['block1_conv2', 'block2_conv2'] as const) {
      const r = relativeL2(viaFile.get(l)!, direct.get(l)!);
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(2e-3);
    }
    tf.dispose([x, ...direct.values(), ...viaFile.values()]);
  });

  it('converts a full-size VGG16 notop file (14.7M parameters)', async () => {
    const raw = randomVgg16Weights(5);
    const h5 = await writeKerasH5(kerasLayersFromRaw(raw));
    expect(h5.length).toBeGreaterThan(58_000_000);
    const t0 = performance.now();
    const converted = await convertKerasH5(h5);
    console.log(
      `full .h5 (${h5.length} bytes) converted in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    expect(Object.keys(converted)).toEqual([...CONV_LAYER_NAMES]);
    expect(converted.block5_conv3!.kernel).toEqual(raw.block5_conv3!.kernel);
  });

  describe('bad files', () => {
    it('not HDF5', async () => {
      await expectFormatError(
        convertKerasH5(new TextEncoder().encode('<html>404</html>')),
        'not an HDF5 file',
      );
    });

    it('truncated', async () => {
      const h5 = await writeKerasH5(kerasLayersFromRaw(randomVgg16Weights(1, 'block1_conv2')));
      const cut = h5.slice(0, Math.floor(h5.length * 0.6));
      await expectFormatError(convertKerasH5(cut, { upTo: 'block1_conv2' }), /truncated/);
    });

    it('missing layer', async () => {
      const layers = kerasLayersFromRaw(randomVgg16Weights(1, 'block2_conv2')).filter(
        (l) => l.name !== 'block2_conv1',
      );
      await expectFormatError(
        convertKerasH5(await writeKerasH5(layers), { upTo: 'block2_conv2' }),
        'missing layer block2_conv1',
      );
    });

    it('wrong shape', async () => {
      const bad = [
        {
          name: 'block1_conv1',
          kernel: new Float32Array(3 * 3 * 3 * 32),
          kernelShape: [3, 3, 3, 32],
          bias: new Float32Array(32),
        },
      ];
      await expectFormatError(
        convertKerasH5(await writeKerasH5(bad), { upTo: 'block1_conv1' }),
        'block1_conv1/kernel has shape 3x3x3x32, expected 3x3x3x64',
      );
    });

    it('leaves nothing behind in the in-memory file system after errors', async () => {
      const h5wasm = (await import('h5wasm')).default;
      const { FS } = await h5wasm.ready;
      const before = FS.readdir('/').filter((f: string) => f.endsWith('.h5'));
      await convertKerasH5(new Uint8Array(100)).catch(() => undefined);
      const h5 = await writeKerasH5(kerasLayersFromRaw(randomVgg16Weights(1, 'block1_conv1')));
      await convertKerasH5(h5.slice(0, 2000)).catch(() => undefined);
      await convertKerasH5(h5).catch(() => undefined); // missing block1_conv2
      expect(FS.readdir('/').filter((f: string) => f.endsWith('.h5'))).toEqual(before);
    });
  });
});
