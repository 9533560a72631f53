/**
 * Keras .h5 (HDF5) -> RawVgg16Weights, with h5wasm. One module for Node (tests, scripts) and the
 * Vite module worker: h5wasm's ESM build embeds its wasm and works in both; the file is written
 * into h5wasm's in-memory Emscripten FS, opened, read and unlinked.
 *
 * Layout read (Keras' save_weights / legacy h5 format): root attribute `layer_names`; one group per
 * layer with attribute `weight_names` (e.g. "block1_conv1/kernel:0", "block1_conv1/bias:0"; long
 * lists may be chunked into weight_names0, weight_names1, ...), each a dataset path inside that group.
 * A whole-model save keeps the same layout under a `model_weights` group.
 */
import type { Dataset, Group } from 'h5wasm';
import { CONV_LAYERS, CONV_LAYER_NAMES, type ConvLayerName } from './topology';
import type { RawVgg16Weights } from './weights';
import { WeightsFormatError } from './errors';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 puts its signature at 0, 512, 1024, 2048, ... (after an optional user block). */
function hasHdf5Signature(bytes: Uint8Array): boolean {
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

type H5wasm = (typeof import('h5wasm'))['default'];
let h5wasmModule: Promise<H5wasm> | null = null;

/** h5wasm is ~4 MB of embedded wasm: fetched and compiled only when a .h5 actually arrives. */
export function loadH5wasm(): Promise<H5wasm> {
  h5wasmModule ??= import('h5wasm').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5wasmModule;
}

let fileCounter = 0;

function readStringList(group: Group, name: string): string[] | null {
  const attrs = group.attrs;
  const toList = (v: unknown): string[] =>
    (Array.isArray(v) ? v : [v]).map((s) =>
      typeof s === 'string' ? s : new TextDecoder().decode(s as Uint8Array),
    );
  if (attrs[name]) return toList(attrs[name].value);
  if (!attrs[`${name}0`]) return null;
  const out: string[] = [];
  for (let i = 0; attrs[`${name}${i}`]; i++) out.push(...toList(attrs[`${name}${i}`].value));
  return out;
}

function readFloat32(ds: Dataset, label: string): Float32Array {
  const v = ds.value;
  if (v instanceof Float32Array) return v;
  if (v instanceof Float64Array) return Float32Array.from(v);
  throw new WeightsFormatError(`${label} has data type ${String(ds.dtype)}, expected float32`);
}

function readLayer(
  h5wasm: H5wasm,
  root: Group,
  name: ConvLayerName,
): { kernel: Float32Array; bias: Float32Array } {
  const group = root.get(name);
  if (!(group instanceof h5wasm.Group)) throw new WeightsFormatError(`missing layer ${name}`);
  const weightNames = readStringList(group, 'weight_names') ?? [];
  const datasets = weightNames.map((w) => {
    const ds = group.get(w);
    if (!(ds instanceof h5wasm.Dataset)) {
      throw new WeightsFormatError(`${name} lists weight ${w} but the file has no such dataset`);
    }
    return { name: w, ds };
  });
  // Keras 2 names weights "<layer>/kernel:0"; Keras 1 used "<layer>_W:0" / "<layer>_b:0".
  const base = (w: string) => w.split('/').pop()!.split(':')[0];
  const k =
    datasets.find((d) => /^kernel$|_W(_\d+)?$/.test(base(d.name))) ??
    (datasets.length === 2 ? datasets[0] : undefined);
  const b =
    datasets.find((d) => /^bias$|_b(_\d+)?$/.test(base(d.name))) ??
    (datasets.length === 2 ? datasets[1] : undefined);
  if (!k || !b) throw new WeightsFormatError(`layer ${name} has no kernel/bias weights`);
  const spec = CONV_LAYERS.find((l) => l.name === name)!;
  const wantK = [3, 3, spec.inChannels, spec.outChannels];
  const gotK = k.ds.shape ?? [];
  if (gotK.join('x') !== wantK.join('x')) {
    throw new WeightsFormatError(
      `${name}/kernel has shape ${gotK.join('x')}, expected ${wantK.join('x')}`,
    );
  }
  const gotB = b.ds.shape ?? [];
  if (gotB.join('x') !== String(spec.outChannels)) {
    throw new WeightsFormatError(
      `${name}/bias has shape ${gotB.join('x')}, expected ${spec.outChannels}`,
    );
  }
  return { kernel: readFloat32(k.ds, `${name}/kernel`), bias: readFloat32(b.ds, `${name}/bias`) };
}

/** Turns h5wasm's HDF5 error stack into a short reason. */
function describeHdf5Error(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  if (/truncated/i.test(text)) return 'the .h5 file is truncated (incomplete download?)';
  if (/signature not found|not an hdf5/i.test(text)) return 'not an HDF5 file';
  const minor = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1].trim());
  return `the .h5 file could not be read (${minor.pop() ?? text.split('\n')[0]})`;
}

/**
 * Reads VGG16 conv weights (block1_conv1 .. `upTo`, default all 13 layers) from a Keras .h5 file.
 * Throws WeightsFormatError for a non-HDF5 or truncated file, a missing layer or a wrong shape.
 */
export async function convertKerasH5(
  data: ArrayBuffer | Uint8Array,
  opts: { upTo?: ConvLayerName } = {},
): Promise<RawVgg16Weights> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (!hasHdf5Signature(bytes)) throw new WeightsFormatError('not an HDF5 file');
  const h5wasm = await loadH5wasm();
  const Module = await h5wasm.ready;
  const path = `/vgg16-upload-${++fileCounter}.h5`;
  Module.FS.writeFile(path, bytes);
  // Throw HDF5's errors as exceptions instead of printing them and returning invalid handles.
  Module.activate_throwing_error_handler();
  let file: InstanceType<typeof h5wasm.File> | null = null;
  let reading = 'the file';
  try {
    file = new h5wasm.File(path, 'r');
    // Every lookup can meet a corrupt structure (a flipped bit in a link or a B-tree), not only
    // opening the file: each HDF5 error becomes a WeightsFormatError naming where it struck.
    const nested = file.get('model_weights');
    const root: Group = nested instanceof h5wasm.Group ? nested : file;
    const out: RawVgg16Weights = {};
    const last = CONV_LAYER_NAMES.indexOf(opts.upTo ?? 'block5_conv3');
    for (const name of CONV_LAYER_NAMES.slice(0, last + 1)) {
      reading = name;
      out[name] = readLayer(h5wasm, root, name);
    }
    return out;
  } catch (e) {
    if (e instanceof WeightsFormatError) throw e;
    const why = describeHdf5Error(e);
    throw new WeightsFormatError(reading === 'the file' ? why : `${reading}: ${why}`);
  } finally {
    try {
      file?.close();
    } catch {
      // Closing a corrupt file can fail too; the file is discarded either way, and the error
      // worth reporting is the one already thrown (or none: the weights were read).
    } finally {
      Module.deactivate_throwing_error_handler();
      Module.FS.unlink(path);
    }
  }
}
