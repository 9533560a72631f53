/**
 * Gets VGG16 weights for the worker: from the IndexedDB cache first, else from the served model
 * (model.json + float16 shards, streamed with byte progress), or from a dropped Keras .h5 file.
 * No DOM needed: fetch and indexedDB exist in workers. A load that fails caches nothing.
 */
import type { RawVgg16Weights } from './weights';
import {
  decodeModel,
  encodeModel,
  type ModelJson,
  type ModelLabel,
  parseModelJson,
  shardPaths,
  weightBytes,
} from './format';
import { convertKerasH5 } from './kerasH5';
import { openWeightsCache, type WeightsCache } from './cache';
import { WeightsFormatError, WeightsNotFoundError } from './errors';

export { WeightsFormatError, WeightsNotFoundError };
export type { WeightsCache };

export type WeightsSource =
  | { kind: 'pretrained' } // <baseUrl>/vgg16/model.json (converted real weights), cache first
  | { kind: 'demo' } // <baseUrl>/vgg16-demo/model.json (generated, untrained), cache first
  | { kind: 'h5'; bytes: ArrayBuffer; fileName: string }; // dropped Keras .h5: converted, cached as 'pretrained'

/** Progress in bytes; `loaded` never decreases within a phase and ends at `total`. */
export interface LoadProgress {
  phase: 'cache' | 'download' | 'convert';
  loaded: number;
  total: number;
}

export interface LoadedWeights {
  /** Float32 weights of block1_conv1 up to the deepest layer the model holds (all 13 for real ones). */
  raw: RawVgg16Weights;
  label: ModelLabel;
  origin: 'cache' | 'network' | 'file';
  /** Bytes read from the origin: weight data for cache/network, the .h5 size for a file. */
  bytes: number;
  /** Provenance text from model.json (URL/file and checksum, or generator and seed). */
  source: string;
}

export interface LoadOptions {
  /** Folder holding vgg16/ and vgg16-demo/, e.g. new URL('/models/', location.origin). */
  baseUrl: string | URL;
  onProgress?: (p: LoadProgress) => void;
  fetchFn?: typeof fetch;
  /** Cache to use; undefined opens the default IndexedDB cache, null disables caching. */
  cache?: WeightsCache | null;
}

export const MODEL_DIRS: Record<ModelLabel, string> = { pretrained: 'vgg16', demo: 'vgg16-demo' };

function modelUrl(baseUrl: string | URL, label: ModelLabel): URL {
  const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  return new URL(`${MODEL_DIRS[label]}/model.json`, base);
}

let defaultCache: Promise<WeightsCache | null> | null = null;

/** One shared connection to the default cache per worker. */
async function resolveCache(cache: WeightsCache | null | undefined): Promise<WeightsCache | null> {
  if (cache !== undefined) return cache;
  defaultCache ??= openWeightsCache();
  return defaultCache;
}

async function fetchOrExplain(fetchFn: typeof fetch, url: URL, what: string): Promise<Response> {
  try {
    return await fetchFn(url.href);
  } catch (e) {
    throw new Error(
      `could not download ${what} from ${url.href}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Streams one response body into `into` at `offset`, reporting every chunk; returns bytes read. */
async function readInto(
  res: Response,
  into: Uint8Array,
  offset: number,
  onChunk: (n: number) => void,
  what: string,
): Promise<number> {
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    if (offset + buf.length > into.length)
      throw new WeightsFormatError(`${what} is larger than model.json says`);
    into.set(buf, offset);
    onChunk(buf.length);
    return buf.length;
  }
  const reader = res.body.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    if (offset + n + value.length > into.length) {
      await reader.cancel();
      throw new WeightsFormatError(`${what} is larger than model.json says`);
    }
    into.set(value, offset + n);
    n += value.length;
    onChunk(value.length);
  }
}

/**
 * Whether `<baseUrl>/index.json` (written by the build: the model folders it holds) rules the
 * model out. Asking the index first spares a 404 for model.json, which browsers log as an error
 * on every visit without pretrained weights. No index (another host), no verdict: probe as before.
 */
async function indexRulesOut(
  fetchFn: typeof fetch,
  baseUrl: string | URL,
  label: ModelLabel,
): Promise<boolean> {
  try {
    const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
    const res = await fetchFn(new URL('index.json', base).href);
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return false;
    const index = (await res.json()) as { models?: unknown };
    return Array.isArray(index.models) && !index.models.includes(MODEL_DIRS[label]);
  } catch {
    return false;
  }
}

function notFound(label: ModelLabel, url: URL): WeightsNotFoundError {
  return new WeightsNotFoundError(
    label === 'pretrained'
      ? `No pretrained VGG16 at ${url.href} and none cached: run \`npm run weights\` where there is ` +
          'internet (or `npm run weights -- --from file.h5`), or drop ' +
          'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 into the page.'
      : `No demo VGG16 at ${url.href} and none cached: run \`node scripts/ensure-test-model.mjs\`.`,
  );
}

async function downloadModel(
  label: ModelLabel,
  opts: LoadOptions,
): Promise<{ modelJson: ModelJson; weights: ArrayBuffer }> {
  const fetchFn = opts.fetchFn ?? fetch;
  const url = modelUrl(opts.baseUrl, label);
  if (await indexRulesOut(fetchFn, opts.baseUrl, label)) throw notFound(label, url);
  const res = await fetchOrExplain(fetchFn, url, `the ${label} model`);
  // Static hosts with a single-page fallback answer a missing file with index.html and 200.
  const servedHtml = (res.headers.get('content-type') ?? '').includes('text/html');
  if (res.status === 404 || (res.ok && servedHtml)) {
    throw notFound(label, url);
  }
  if (!res.ok) throw new Error(`could not download ${url.href}: HTTP ${res.status}`);
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new WeightsFormatError(`${url.href} is not valid JSON`);
  }
  const modelJson = parseModelJson(json);
  if (modelJson.userDefinedMetadata.label !== label) {
    throw new WeightsFormatError(
      `${url.href} is labelled '${modelJson.userDefinedMetadata.label}', expected '${label}'`,
    );
  }
  const total = weightBytes(modelJson);
  const out = new Uint8Array(total);
  let loaded = 0;
  opts.onProgress?.({ phase: 'download', loaded, total });
  for (const path of shardPaths(modelJson)) {
    const shardUrl = new URL(path, url);
    const shard = await fetchOrExplain(fetchFn, shardUrl, `weight shard ${path}`);
    if (!shard.ok)
      throw new WeightsFormatError(
        `weight shard ${shardUrl.href} is missing (HTTP ${shard.status})`,
      );
    await readInto(
      shard,
      out,
      loaded,
      (n) => {
        loaded += n;
        opts.onProgress?.({ phase: 'download', loaded, total });
      },
      `weight shard ${path}`,
    );
  }
  if (loaded !== total) {
    throw new WeightsFormatError(
      `weight shards hold ${loaded} bytes, model.json describes ${total}`,
    );
  }
  return { modelJson, weights: out.buffer };
}

async function tryCache(
  cache: WeightsCache | null,
  label: ModelLabel,
  opts: LoadOptions,
): Promise<LoadedWeights | null> {
  if (!cache) return null;
  let entry;
  try {
    entry = await cache.get(label);
  } catch {
    return null; // an unusable cache only costs a download
  }
  if (!entry) return null;
  const bytes = entry.weights.byteLength;
  opts.onProgress?.({ phase: 'cache', loaded: 0, total: bytes });
  try {
    const raw = decodeModel(entry.modelJson, entry.weights);
    opts.onProgress?.({ phase: 'cache', loaded: bytes, total: bytes });
    return {
      raw,
      label,
      origin: 'cache',
      bytes,
      source: entry.modelJson.userDefinedMetadata.source,
    };
  } catch {
    await cache.delete(label).catch(() => undefined);
    return null;
  }
}

/** Caching is best effort (quota, private mode): a failure to store never fails the load. */
async function tryPut(
  cache: WeightsCache | null,
  label: ModelLabel,
  modelJson: ModelJson,
  weights: ArrayBuffer,
) {
  if (!cache) return;
  try {
    await cache.put(label, modelJson, weights);
  } catch {
    /* stays uncached */
  }
}

function concatShards(shards: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(shards.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const s of shards) {
    out.set(s, o);
    o += s.length;
  }
  return out.buffer;
}

async function loadH5(
  source: Extract<WeightsSource, { kind: 'h5' }>,
  cache: WeightsCache | null,
  opts: LoadOptions,
): Promise<LoadedWeights> {
  const total = source.bytes.byteLength;
  opts.onProgress?.({ phase: 'convert', loaded: 0, total });
  const converted = await convertKerasH5(source.bytes);
  // Store and use the float16-rounded weights, so this run and every cached run see the same numbers.
  const { modelJson, shards } = encodeModel(converted, {
    label: 'pretrained',
    source: `file ${source.fileName} (${total} bytes), converted in the browser`,
  });
  const weights = concatShards(shards);
  const raw = decodeModel(modelJson, weights);
  opts.onProgress?.({ phase: 'convert', loaded: total, total });
  await tryPut(cache, 'pretrained', modelJson, weights);
  return {
    raw,
    label: 'pretrained',
    origin: 'file',
    bytes: total,
    source: modelJson.userDefinedMetadata.source,
  };
}

/**
 * The demo weights are regenerated whenever their recipe changes, and a returning visitor's cache
 * would otherwise keep the old ones for good. The served model.json is small: where it can be read
 * and describes other weights than the cached copy (its metadata names the recipe, seed and
 * source), the copy is stale. Offline, or with nothing served, the cached copy stands.
 */
async function cachedDemoIsStale(cache: WeightsCache, opts: LoadOptions): Promise<boolean> {
  const entry = await cache.get('demo').catch(() => null);
  if (!entry) return false;
  const fetchFn = opts.fetchFn ?? fetch;
  try {
    if (await indexRulesOut(fetchFn, opts.baseUrl, 'demo')) return false;
    const res = await fetchFn(modelUrl(opts.baseUrl, 'demo').href, { cache: 'no-cache' });
    if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) return false;
    const served = parseModelJson(await res.json()).userDefinedMetadata;
    return JSON.stringify(served) !== JSON.stringify(entry.modelJson.userDefinedMetadata);
  } catch {
    return false;
  }
}

export async function loadWeights(
  source: WeightsSource,
  opts: LoadOptions,
): Promise<LoadedWeights> {
  const cache = await resolveCache(opts.cache);
  if (source.kind === 'h5') return loadH5(source, cache, opts);
  const label: ModelLabel = source.kind;
  if (label === 'demo' && cache && (await cachedDemoIsStale(cache, opts))) {
    await cache.delete('demo').catch(() => undefined);
  }
  const cached = await tryCache(cache, label, opts);
  if (cached) return cached;
  const { modelJson, weights } = await downloadModel(label, opts);
  const raw = decodeModel(modelJson, weights);
  await tryPut(cache, label, modelJson, weights);
  return {
    raw,
    label,
    origin: 'network',
    bytes: weights.byteLength,
    source: modelJson.userDefinedMetadata.source,
  };
}

/** Drops cached models (one label, or all); returns the bytes still cached afterwards. */
export async function clearCachedWeights(
  opts: { label?: ModelLabel; cache?: WeightsCache | null } = {},
): Promise<number> {
  const cache = await resolveCache(opts.cache);
  if (!cache) return 0;
  for (const label of opts.label ? [opts.label] : (['pretrained', 'demo'] as const)) {
    await cache.delete(label);
  }
  return cache.storedBytes();
}
