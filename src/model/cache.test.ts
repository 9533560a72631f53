import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openWeightsCache } from './cache';
import { encodeModel } from './format';
import { randomVgg16Weights } from './randomWeights';

function model(label: 'pretrained' | 'demo', upTo: 'block1_conv1' | 'block1_conv2') {
  const { modelJson, shards } = encodeModel(randomVgg16Weights(9, upTo), { label, source: 'test' });
  return { modelJson, weights: shards[0].slice().buffer };
}

describe('IndexedDB weights cache', () => {
  it('puts, gets, counts and deletes models by label', async () => {
    const cache = (await openWeightsCache({ factory: new IDBFactory() }))!;
    expect(await cache.get('demo')).toBeNull();
    expect(await cache.storedBytes()).toBe(0);
    const small = model('demo', 'block1_conv1'); // (1728 + 64) * 2 bytes
    const big = model('pretrained', 'block1_conv2');
    await cache.put('demo', small.modelJson, small.weights);
    await cache.put('pretrained', big.modelJson, big.weights);
    expect(await cache.storedBytes()).toBe(3584 + 3584 + 73728 + 128);
    const got = (await cache.get('demo'))!;
    expect(got.modelJson.userDefinedMetadata.label).toBe('demo');
    expect(new Uint8Array(got.weights)).toEqual(new Uint8Array(small.weights));
    await cache.delete('demo');
    expect(await cache.get('demo')).toBeNull();
    expect(await cache.storedBytes()).toBe(3584 + 73728 + 128);
    cache.close();
  });

  it('persists across connections to the same database', async () => {
    const factory = new IDBFactory();
    const a = (await openWeightsCache({ factory }))!;
    const m = model('demo', 'block1_conv1');
    await a.put('demo', m.modelJson, m.weights);
    a.close();
    const b = (await openWeightsCache({ factory }))!;
    expect((await b.get('demo'))!.weights.byteLength).toBe(3584);
    b.close();
  });

  it('refuses incomplete or mislabelled models', async () => {
    const cache = (await openWeightsCache({ factory: new IDBFactory() }))!;
    const m = model('demo', 'block1_conv1');
    await expect(cache.put('demo', m.modelJson, m.weights.slice(0, 100))).rejects.toThrow(
      'refusing to cache 100 bytes of weights, expected 3584',
    );
    await expect(cache.put('pretrained', m.modelJson, m.weights)).rejects.toThrow(
      /'demo' model as 'pretrained'/,
    );
    const broken = JSON.parse(JSON.stringify(m.modelJson));
    broken.weightsManifest[0].weights[0].shape = [3, 3, 3, 8];
    await expect(cache.put('demo', broken, m.weights)).rejects.toThrow(/has shape 3x3x3x8/);
    expect(await cache.storedBytes()).toBe(0);
    cache.close();
  });

  it('is null where IndexedDB does not exist', async () => {
    expect(await openWeightsCache({ factory: undefined })).toBeNull(); // Node has no global indexedDB
  });
});
