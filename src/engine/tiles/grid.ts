/**
 * The tile grid's engine side: the alignment and margins that VGG16's layers ask for. The grid
 * itself is plain arithmetic in src/common/tileGrid.ts (the page's cost model counts its windows).
 */
import type { ConvLayerName } from '../../model/topology';
import { receptiveField } from '../explorer/receptiveField';

export * from '../../common/tileGrid';

/** 2^pools before a conv layer: how many input pixels one step of its activation grid spans. */
export function layerStride(layer: ConvLayerName): number {
  return receptiveField(layer).jump;
}

/**
 * Width of a layer's receptive field, in input pixels (explorer/receptiveField.ts). A window's
 * activation equals the whole image's once it is this far from a window edge that is not an image
 * edge (zero padding reaches no further); the gradient at a pixel needs about 1.5x it (the
 * activations that see the pixel, and what they see). block5_conv1: 132 px, block4_conv2: 76 px.
 */
export function receptiveWidth(layer: ConvLayerName): number {
  return receptiveField(layer).size;
}
