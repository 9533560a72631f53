import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, truncate, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { IDBFactory } from 'fake-indexeddb';
import {
  clearCachedWeights,
  loadWeights,
  type LoadProgress,
  WeightsFormatError,
  WeightsNotFoundError,
} from './loader';
import { openWeightsCache } from './cache';
import { decodeModel, encodeModel } from './format';
import { randomVgg16Weights } from './randomWeights';
import { kerasLayersFromRaw, writeKerasH5 } from './writeKerasH5';
import { writeModelDirAtomic } from '../../scripts/write-model-dir';
import { CONV_LAYER_NAMES } from './topology';

let root: string;
let server: Server;
let baseUrl: string;
const requests: string[] = [];
const demo = encodeModel(
  randomVgg16Weights(1, 'block2_conv2'),
  { label: 'demo', source: 'test', seed: 1 },
  { shardBytes: 64 * 1024 },
);
const demoBytes = demo.shards.reduce((s, b) => s + b.length, 0);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loader-test-'));
  await writeModelDirAtomic(join(root, 'models/vgg16-demo'), demo);
  server = createServer(async (req, res) => {
    requests.push(req.url!);
    try {
      const body = await readFile(
        join(root, decodeURIComponent(new URL(req.url!, 'http://x').pathname)),
      );
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(root, { recursive: true, force: true });
});

const offline: typeof fetch = async () => {
  throw new Error('network must not be touched');
};

async function freshCache() {
  return (await openWeightsCache({ factory: new IDBFactory() }))!;
}

describe('loadWeights', () => {
  it('downloads a served model with byte progress, then loads it from the cache without network', async () => {
    const cache = await freshCache();
    const progress: LoadProgress[] = [];
    requests.length = 0;
    const first = await loadWeights(
      { kind: 'demo' },
      { baseUrl, cache, onProgress: (p) => progress.push(p) },
    );
    expect(first.origin).toBe('network');
    expect(first.label).toBe('demo');
    expect(first.bytes).toBe(demoBytes);
    expect(requests).toEqual([
      // The list of served models first: a missing model is then known without a 404.
      '/models/index.json',
      '/models/vgg16-demo/model.json',
      ...demo.modelJson.weightsManifest[0].paths.map((p) => `/models/vgg16-demo/${p}`),
    ]);
    expect(progress.length).toBeGreaterThan(demo.shards.length);
    expect(progress.every((p) => p.phase === 'download' && p.total === demoBytes)).toBe(true);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].loaded).toBeGreaterThanOrEqual(progress[i - 1].loaded);
    expect(progress.at(-1)!.loaded).toBe(demoBytes);
    const expected = decodeModel(demo.modelJson, demo.shards);
    expect(first.raw.block2_conv2!.kernel).toEqual(expected.block2_conv2!.kernel);
    expect(await cache.storedBytes()).toBe(demoBytes);

    const cachedProgress: LoadProgress[] = [];
    const second = await loadWeights(
      { kind: 'demo' },
      { baseUrl, cache, fetchFn: offline, onProgress: (p) => cachedProgress.push(p) },
    );
    expect(second.origin).toBe('cache');
    expect(second.raw.block2_conv2!.kernel).toEqual(expected.block2_conv2!.kernel);
    expect(cachedProgress.at(-1)).toEqual({ phase: 'cache', loaded: demoBytes, total: demoBytes });

    expect(await clearCachedWeights({ cache, label: 'demo' })).toBe(0);
    await expect(
      loadWeights({ kind: 'demo' }, { baseUrl, cache, fetchFn: offline }),
    ).rejects.toThrow(/network must not be touched/);
  });

  it('replaces cached demo weights when the served demo model describes other weights', async () => {
    // A returning visitor after the demo recipe changed: same label, new metadata and bytes.
    const newer = encodeModel(
      randomVgg16Weights(2, 'block2_conv2'),
      { label: 'demo', source: 'test', seed: 2 },
      { shardBytes: 64 * 1024 },
    );
    await writeModelDirAtomic(join(root, 'newer/vgg16-demo'), newer);
    const newerUrl = baseUrl.replace('/models/', '/newer/');
    const cache = await freshCache();
    expect((await loadWeights({ kind: 'demo' }, { baseUrl, cache })).origin).toBe('network');

    const replaced = await loadWeights({ kind: 'demo' }, { baseUrl: newerUrl, cache });
    expect(replaced.origin).toBe('network');
    const expected = decodeModel(newer.modelJson, newer.shards);
    expect(replaced.raw.block2_conv2!.kernel).toEqual(expected.block2_conv2!.kernel);

    // Now current: only the small model.json is read again, the weights come from the cache.
    requests.length = 0;
    const again = await loadWeights({ kind: 'demo' }, { baseUrl: newerUrl, cache });
    expect(again.origin).toBe('cache');
    expect(requests).toEqual(['/newer/index.json', '/newer/vgg16-demo/model.json']);
  });

  it('says what to do when the server has no model and nothing is cached (404)', async () => {
    const err = await loadWeights(
      { kind: 'pretrained' },
      { baseUrl, cache: await freshCache() },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(WeightsNotFoundError);
    expect(err.message).toMatch(/npm run weights/);
  });

  it('treats an HTML page served for a missing model.json (SPA fallback) as not found', async () => {
    const spaFallback: typeof fetch = async () =>
      new Response('<!doctype html><html></html>', {
        status: 200,
        headers: { 'content-type': 'text/html' },
      });
    const err = await loadWeights(
      { kind: 'pretrained' },
      { baseUrl, cache: await freshCache(), fetchFn: spaFallback },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(WeightsNotFoundError);
    expect(err.message).toMatch(/npm run weights/);
  });

  it('rejects a model whose shard is cut short, and caches nothing', async () => {
    const dir = join(root, 'broken');
    await cp(join(root, 'models/vgg16-demo'), join(dir, 'vgg16-demo'), { recursive: true });
    await truncate(join(dir, 'vgg16-demo', demo.modelJson.weightsManifest[0].paths[2]), 1000);
    const cache = await freshCache();
    const err = await loadWeights(
      { kind: 'demo' },
      { baseUrl: baseUrl.replace('models/', 'broken/'), cache },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(WeightsFormatError);
    expect(err.message).toMatch(/weight shards hold \d+ bytes, model.json describes \d+/);
    expect(await cache.storedBytes()).toBe(0);
  });

  it('refuses a demo model served where the pretrained one belongs', async () => {
    await cp(join(root, 'models/vgg16-demo'), join(root, 'swapped/vgg16'), { recursive: true });
    const cache = await freshCache();
    const err = await loadWeights(
      { kind: 'pretrained' },
      { baseUrl: baseUrl.replace('models/', 'swapped/'), cache },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(WeightsFormatError);
    expect(err.message).toMatch(/labelled 'demo', expected 'pretrained'/);
    expect(await cache.storedBytes()).toBe(0);
  });

  it('converts a dropped .h5, caches it as pretrained, and later serves it from the cache', async () => {
    const raw = randomVgg16Weights(6);
    const h5 = await writeKerasH5(kerasLayersFromRaw(raw));
    const cache = await freshCache();
    const progress: LoadProgress[] = [];
    const loaded = await loadWeights(
      { kind: 'h5', bytes: h5.slice().buffer, fileName: 'vgg16_notop.h5' },
      { baseUrl, cache, fetchFn: offline, onProgress: (p) => progress.push(p) },
    );
    expect(loaded).toMatchObject({ label: 'pretrained', origin: 'file', bytes: h5.length });
    expect(loaded.source).toMatch(/vgg16_notop\.h5/);
    expect(Object.keys(loaded.raw)).toEqual([...CONV_LAYER_NAMES]);
    expect(progress.at(-1)).toEqual({ phase: 'convert', loaded: h5.length, total: h5.length });
    const k = loaded.raw.block3_conv1!.kernel;
    expect(Math.abs(k[10] - raw.block3_conv1!.kernel[10])).toBeLessThanOrEqual(
      Math.abs(raw.block3_conv1!.kernel[10]) * 2 ** -11,
    );
    expect(await cache.storedBytes()).toBe(2 * 14_714_688);
    const again = await loadWeights({ kind: 'pretrained' }, { baseUrl, cache, fetchFn: offline });
    expect(again.origin).toBe('cache');
    expect(again.raw.block3_conv1!.kernel).toEqual(k); // the same float16-rounded numbers as the first run
  });

  describe('a bad .h5 gives its error and caches nothing', () => {
    // Prefixes of the network are enough: the converter stops at the first problem, in layer order.
    const layers = () => kerasLayersFromRaw(randomVgg16Weights(2, 'block3_conv1'));
    const narrowFirst = () => {
      const l = layers();
      l[0] = { ...l[0], kernel: new Float32Array(3 * 3 * 3 * 32), kernelShape: [3, 3, 3, 32] };
      return l;
    };
    it.each([
      [
        'not HDF5',
        async () => new TextEncoder().encode('PK\u0003\u0004 a zip file'),
        /^not an HDF5 file$/,
      ],
      ['truncated', async () => (await writeKerasH5(layers())).slice(0, 1_000_000), /truncated/],
      [
        'missing layer',
        () => writeKerasH5(layers()) /* ends before block3_conv2 */,
        /^missing layer block3_conv2$/,
      ],
      [
        'wrong shape',
        () => writeKerasH5(narrowFirst()),
        /^block1_conv1\/kernel has shape 3x3x3x32, expected 3x3x3x64$/,
      ],
    ])('%s', async (_name, makeFile, message) => {
      const bytes = await makeFile();
      const cache = await freshCache();
      const err = await loadWeights(
        { kind: 'h5', bytes: bytes.slice().buffer, fileName: 'x.h5' },
        { baseUrl, cache, fetchFn: offline },
      ).catch((e) => e);
      expect(err).toBeInstanceOf(WeightsFormatError);
      expect(err.message).toMatch(message);
      expect(await cache.storedBytes()).toBe(0);
      expect(await cache.get('pretrained')).toBeNull();
    });
  });
});
