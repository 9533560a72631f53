/**
 * The one on-disk/in-cache model format: a tfjs "layers-model" (model.json + binary shards).
 * modelTopology is the Keras functional config of VGG16's conv part (input [null, null, null, 3]),
 * so tf.loadLayersModel can load the same files; weights are float16 ("quantization" in the weight
 * specs, which tf.io.decodeWeights understands) to halve the download.
 * Pure data in, pure data out: no tfjs, no DOM, no fs, so scripts, the worker and the cache share it.
 */
import {
  CONV_LAYERS,
  CONV_LAYER_NAMES,
  type ConvLayerName,
  layersUpTo,
  VGG16_LAYERS,
} from './topology';
import type { RawVgg16Weights } from './weights';
import { WeightsFormatError } from './errors';
import { decodeFloat16, encodeFloat16, FLOAT16_MAX } from './float16';

export type ModelLabel = 'pretrained' | 'demo';

/** Where the weights came from, kept in model.json's userDefinedMetadata so results are labelled honestly. */
export interface ModelProvenance {
  label: ModelLabel;
  /** Free text: the URL/file and checksum of converted weights, or the generator of demo weights. */
  source: string;
  /** Seed of generated (demo) weights. */
  seed?: number;
  /** How generated (demo) weights were made, step by step (see src/model/demo/recipe.ts). */
  recipe?: object;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16'; original_dtype: 'float32' };
}

export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata: ModelProvenance;
}

export interface EncodedModel {
  modelJson: ModelJson;
  /** Shard contents, in the order of weightsManifest[0].paths. */
  shards: Uint8Array[];
}

/** tfjs' converter default: 4 MiB shards keep each request and browser cache entry small. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export const MODEL_GENERATOR = 'style-transfer src/model/format.ts';

/** The conv layers present in `raw`, checked to be a prefix of the network (what a forward pass needs). */
export function presentLayers(raw: RawVgg16Weights): ConvLayerName[] {
  const present = CONV_LAYER_NAMES.filter((n) => raw[n] !== undefined);
  if (present.length === 0) throw new WeightsFormatError('no VGG16 conv layer weights given');
  const gap = CONV_LAYER_NAMES.slice(0, present.length).find((n) => raw[n] === undefined);
  if (gap) throw new WeightsFormatError(`missing layer ${gap}`);
  return present;
}

function layerConfig(spec: (typeof VGG16_LAYERS)[number], inbound: string): unknown {
  // What every Keras layer entry has; `config` adds the layer kind's own fields after these.
  const layer = (className: string, config: Record<string, unknown>) => ({
    class_name: className,
    name: spec.name,
    inbound_nodes: [[[inbound, 0, 0, {}]]],
    config: { name: spec.name, trainable: true, dtype: 'float32', ...config },
  });
  if (spec.kind === 'pool') {
    return layer('MaxPooling2D', {
      pool_size: [2, 2],
      padding: 'valid',
      strides: [2, 2],
      data_format: 'channels_last',
    });
  }
  return layer('Conv2D', {
    filters: spec.outChannels,
    kernel_size: [3, 3],
    strides: [1, 1],
    padding: 'same',
    data_format: 'channels_last',
    dilation_rate: [1, 1],
    activation: 'relu',
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  });
}

/**
 * Keras functional config of VGG16 notop up to `deepest` (Keras' own model also ends in block5_pool,
 * which is added when the whole network is present).
 */
export function vgg16Topology(deepest: ConvLayerName): unknown {
  const layers = layersUpTo(deepest);
  if (deepest === CONV_LAYER_NAMES[CONV_LAYER_NAMES.length - 1]) {
    layers.push(VGG16_LAYERS[VGG16_LAYERS.length - 1]);
  }
  const keras: unknown[] = [
    {
      class_name: 'InputLayer',
      name: 'input_1',
      inbound_nodes: [],
      config: {
        batch_input_shape: [null, null, null, 3],
        dtype: 'float32',
        sparse: false,
        name: 'input_1',
      },
    },
  ];
  let prev = 'input_1';
  for (const spec of layers) {
    keras.push(layerConfig(spec, prev));
    prev = spec.name;
  }
  return {
    class_name: 'Functional',
    config: {
      name: 'vgg16',
      layers: keras,
      input_layers: [['input_1', 0, 0]],
      output_layers: [[prev, 0, 0]],
    },
    keras_version: '2.4.0',
    backend: 'tensorflow',
  };
}

function expectedSpecs(layers: readonly ConvLayerName[]): { name: string; shape: number[] }[] {
  return layers.flatMap((name) => {
    const spec = CONV_LAYERS.find((l) => l.name === name)!;
    return [
      { name: `${name}/kernel`, shape: [3, 3, spec.inChannels, spec.outChannels] },
      { name: `${name}/bias`, shape: [spec.outChannels] },
    ];
  });
}

/** Encodes raw float32 weights (a prefix of the network) into model.json + float16 shards. */
export function encodeModel(
  raw: RawVgg16Weights,
  provenance: ModelProvenance,
  opts: { shardBytes?: number } = {},
): EncodedModel {
  const layers = presentLayers(raw);
  const specs = expectedSpecs(layers);
  const arrays = layers.flatMap((n) => [raw[n]!.kernel, raw[n]!.bias]);
  const total = arrays.reduce((s, a) => s + a.length * 2, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  arrays.forEach((values, i) => {
    const size = specs[i].shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new WeightsFormatError(
        `${specs[i].name} has ${values.length} values, expected ${specs[i].shape.join('x')} = ${size}`,
      );
    }
    for (let j = 0; j < values.length; j++) {
      if (!(Math.abs(values[j]) <= FLOAT16_MAX)) {
        throw new WeightsFormatError(
          `${specs[i].name} holds ${values[j]}, outside float16's range`,
        );
      }
    }
    all.set(new Uint8Array(encodeFloat16(values).buffer), offset);
    offset += values.length * 2;
  });
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards: Uint8Array[] = [];
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    shards.push(all.slice(i * shardBytes, Math.min(total, (i + 1) * shardBytes)));
    paths.push(`group1-shard${i + 1}of${count}.bin`);
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: MODEL_GENERATOR,
      convertedBy: MODEL_GENERATOR,
      modelTopology: vgg16Topology(layers[layers.length - 1]),
      weightsManifest: [
        {
          paths,
          weights: specs.map((s) => ({
            name: s.name,
            shape: s.shape,
            dtype: 'float32',
            quantization: { dtype: 'float16', original_dtype: 'float32' },
          })),
        },
      ],
      userDefinedMetadata: { ...provenance },
    },
    shards,
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function specBytes(spec: WeightSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1) * (spec.quantization ? 2 : 4);
}

/**
 * Checks a parsed model.json against VGG16 (names, shapes, dtypes, a prefix of the layers, a
 * provenance label) and returns it typed. Throws WeightsFormatError naming the first problem.
 */
export function parseModelJson(json: unknown): ModelJson {
  if (!isRecord(json)) throw new WeightsFormatError('model.json is not a JSON object');
  if (json.format !== 'layers-model') {
    throw new WeightsFormatError(
      `model.json format is ${JSON.stringify(json.format)}, expected "layers-model"`,
    );
  }
  const meta = json.userDefinedMetadata;
  if (!isRecord(meta) || (meta.label !== 'pretrained' && meta.label !== 'demo')) {
    throw new WeightsFormatError(
      'model.json lacks userDefinedMetadata.label ("pretrained" or "demo")',
    );
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new WeightsFormatError('model.json has no weightsManifest');
  }
  const specs: WeightSpec[] = [];
  for (const group of manifest) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new WeightsFormatError('model.json weightsManifest group lacks paths or weights');
    }
    if (!group.paths.every((p) => typeof p === 'string' && p.length > 0 && !p.includes('..'))) {
      throw new WeightsFormatError('model.json weightsManifest has an invalid shard path');
    }
    for (const w of group.weights) {
      if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) {
        throw new WeightsFormatError('model.json has a weight spec without name or shape');
      }
      if (w.dtype !== 'float32') {
        throw new WeightsFormatError(`${w.name} has dtype ${String(w.dtype)}, expected float32`);
      }
      const q = w.quantization;
      if (q !== undefined && !(isRecord(q) && q.dtype === 'float16')) {
        throw new WeightsFormatError(
          `${w.name} uses an unsupported quantization (only float16 is)`,
        );
      }
      specs.push(w as unknown as WeightSpec);
    }
  }
  const names = specs.map((s) => s.name);
  const layerCount = names.length / 2;
  if (!Number.isInteger(layerCount) || layerCount > CONV_LAYER_NAMES.length) {
    throw new WeightsFormatError(`model.json lists ${names.length} weights, not a VGG16 prefix`);
  }
  const expected = expectedSpecs(CONV_LAYER_NAMES.slice(0, layerCount));
  expected.forEach((e, i) => {
    const got = specs[i];
    if (got.name !== e.name) {
      const missing = e.name.split('/')[0];
      throw new WeightsFormatError(
        names.includes(e.name) ? `weight ${e.name} is out of order` : `missing layer ${missing}`,
      );
    }
    if (got.shape.join('x') !== e.shape.join('x')) {
      throw new WeightsFormatError(
        `${e.name} has shape ${got.shape.join('x')}, expected ${e.shape.join('x')}`,
      );
    }
  });
  return json as unknown as ModelJson;
}

/** Shard file names of a model, in order (relative to model.json). */
export function shardPaths(modelJson: ModelJson): string[] {
  return modelJson.weightsManifest.flatMap((g) => g.paths);
}

/** Total byte length of all shards, from the weight specs. */
export function weightBytes(modelJson: ModelJson): number {
  return modelJson.weightsManifest.flatMap((g) => g.weights).reduce((s, w) => s + specBytes(w), 0);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Decodes model.json + its weight bytes (all shards concatenated, or the shards in order) into
 * float32 arrays, after validating everything. Throws WeightsFormatError naming what is wrong.
 */
export function decodeModel(
  modelJson: unknown,
  weights: ArrayBuffer | Uint8Array | readonly Uint8Array[],
): RawVgg16Weights {
  const json = parseModelJson(modelJson);
  const bytes =
    weights instanceof ArrayBuffer
      ? new Uint8Array(weights)
      : weights instanceof Uint8Array
        ? weights
        : concat(weights);
  const expected = weightBytes(json);
  if (bytes.byteLength !== expected) {
    throw new WeightsFormatError(
      `weight data is ${bytes.byteLength} bytes, model.json describes ${expected} (truncated or mismatched shards)`,
    );
  }
  const out: RawVgg16Weights = {};
  let offset = 0;
  for (const spec of json.weightsManifest.flatMap((g) => g.weights)) {
    const n = specBytes(spec);
    // Copy to an aligned buffer: typed-array views need offsets aligned to the element size.
    const chunk = bytes.slice(offset, offset + n).buffer;
    const values = spec.quantization
      ? decodeFloat16(new Uint16Array(chunk))
      : new Float32Array(chunk);
    offset += n;
    const [layer, kind] = spec.name.split('/') as [ConvLayerName, 'kernel' | 'bias'];
    const entry = (out[layer] ??= { kernel: new Float32Array(0), bias: new Float32Array(0) });
    entry[kind] = values;
  }
  return out;
}
