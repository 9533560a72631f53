/**
 * Writes VGG16 weights as a Keras-layout .h5 (what Keras' save_weights produces): root attribute
 * layer_names, one group per layer with attribute weight_names, datasets "<layer>/kernel:0" and
 * "<layer>/bias:0". Used by tests and fixtures to exercise the real converter on real HDF5 bytes.
 */
import h5wasm from 'h5wasm';
import { CONV_LAYERS, VGG16_LAYERS } from './topology';
import type { RawVgg16Weights } from './weights';

export interface KerasConvLayer {
  name: string;
  kernel: Float32Array;
  kernelShape: number[];
  bias: Float32Array;
}

/** The conv layers of `raw` in network order, with their Keras shapes. */
export function kerasLayersFromRaw(raw: RawVgg16Weights): KerasConvLayer[] {
  return CONV_LAYERS.filter((l) => raw[l.name]).map((l) => ({
    name: l.name,
    kernel: raw[l.name]!.kernel,
    kernelShape: [3, 3, l.inChannels, l.outChannels],
    bias: raw[l.name]!.bias,
  }));
}

let counter = 0;

/** Builds the .h5 bytes in h5wasm's in-memory FS. Pool layers are listed, weightless, as Keras does. */
export async function writeKerasH5(layers: readonly KerasConvLayer[]): Promise<Uint8Array> {
  const Module = await h5wasm.ready;
  const path = `/keras-writer-${++counter}.h5`;
  const f = new h5wasm.File(path, 'w');
  try {
    const convNames = new Set(layers.map((l) => l.name));
    const names = [
      'input_1',
      ...VGG16_LAYERS.map((l) => l.name).filter((n) => convNames.has(n) || n.endsWith('_pool')),
    ];
    f.create_attribute('layer_names', names);
    f.create_attribute('backend', 'tensorflow');
    f.create_attribute('keras_version', '2.1.5');
    for (const name of names) {
      const g = f.create_group(name);
      const layer = layers.find((l) => l.name === name);
      if (!layer) continue;
      g.create_attribute('weight_names', [`${name}/kernel:0`, `${name}/bias:0`]);
      const inner = g.create_group(name);
      inner.create_dataset({
        name: 'kernel:0',
        data: layer.kernel,
        shape: layer.kernelShape,
        dtype: '<f',
      });
      inner.create_dataset({
        name: 'bias:0',
        data: layer.bias,
        shape: [layer.bias.length],
        dtype: '<f',
      });
    }
  } finally {
    f.close();
  }
  const bytes = Module.FS.readFile(path);
  Module.FS.unlink(path);
  return bytes;
}
