/**
 * VGG16's convolutional part ("notop") in Keras' layout and names (SPEC.md).
 * Pure data: shared by the engine's forward pass, the converters and the UI's layer pickers.
 */

export const CONV_LAYER_NAMES = [
  'block1_conv1',
  'block1_conv2',
  'block2_conv1',
  'block2_conv2',
  'block3_conv1',
  'block3_conv2',
  'block3_conv3',
  'block4_conv1',
  'block4_conv2',
  'block4_conv3',
  'block5_conv1',
  'block5_conv2',
  'block5_conv3',
] as const;

export type ConvLayerName = (typeof CONV_LAYER_NAMES)[number];

export interface ConvLayerSpec {
  kind: 'conv';
  name: ConvLayerName;
  inChannels: number;
  outChannels: number;
}

export interface PoolLayerSpec {
  kind: 'pool';
  name: string;
}

export type LayerSpec = ConvLayerSpec | PoolLayerSpec;

const BLOCK_CHANNELS = [64, 128, 256, 512, 512] as const;
const BLOCK_CONVS = [2, 2, 3, 3, 3] as const;

function buildLayers(): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let inChannels = 3;
  BLOCK_CHANNELS.forEach((outChannels, b) => {
    for (let c = 1; c <= BLOCK_CONVS[b]; c++) {
      const name = `block${b + 1}_conv${c}` as ConvLayerName;
      layers.push({ kind: 'conv', name, inChannels, outChannels });
      inChannels = outChannels;
    }
    layers.push({ kind: 'pool', name: `block${b + 1}_pool` });
  });
  return layers;
}

/** Every layer in order, pools included (block5_pool last). */
export const VGG16_LAYERS: readonly LayerSpec[] = buildLayers();

export const CONV_LAYERS: readonly ConvLayerSpec[] = VGG16_LAYERS.filter(
  (l): l is ConvLayerSpec => l.kind === 'conv',
);

export function isConvLayerName(name: string): name is ConvLayerName {
  return (CONV_LAYER_NAMES as readonly string[]).includes(name);
}

/** The deepest of the given conv layers, in network order. */
export function deepestLayer(names: readonly ConvLayerName[]): ConvLayerName {
  if (names.length === 0) throw new Error('deepestLayer: no layers given');
  return names.reduce((a, b) =>
    CONV_LAYER_NAMES.indexOf(a) >= CONV_LAYER_NAMES.indexOf(b) ? a : b,
  );
}

/** Layers from the input up to and including `deepest`: the only part a forward pass needs. */
export function layersUpTo(deepest: ConvLayerName): LayerSpec[] {
  const end = VGG16_LAYERS.findIndex((l) => l.name === deepest);
  return VGG16_LAYERS.slice(0, end + 1);
}

/** Kernel shape [3, 3, in, out] (Keras/tfjs HWIO) and bias shape [out] of a conv layer. */
export function convShapes(spec: ConvLayerSpec): { kernel: number[]; bias: number[] } {
  return { kernel: [3, 3, spec.inChannels, spec.outChannels], bias: [spec.outChannels] };
}

/** Total parameter count of the notop network: 14,714,688 for VGG16. */
export const VGG16_PARAM_COUNT = CONV_LAYERS.reduce(
  (n, l) => n + 9 * l.inChannels * l.outChannels + l.outChannels,
  0,
);

/** ImageNet mean in BGR order, as Keras' "caffe" preprocessing subtracts it. */
export const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68] as const;
