/**
 * Receptive-field arithmetic (Dang Ha The Hien, "A guide to receptive field arithmetic for
 * Convolutional Neural Networks", the course notes' reference), applied to VGG16's layers.
 * Per layer with kernel k, stride s and padding p, from the previous layer's (r, j, start):
 *   j'     = j * s                      (jump: input pixels between neighbouring units)
 *   r'     = r + (k - 1) * j            (receptive field size in input pixels)
 *   start' = start + ((k - 1) / 2 - p) * j   (centre of the first unit's field)
 * Coordinates are continuous: pixel i spans [i, i + 1), so the input starts with r = 1, j = 1,
 * start = 0.5 (the centre of pixel 0).
 */
import { VGG16_LAYERS, type ConvLayerName } from '../../model/topology';

export interface ReceptiveField {
  /** Side of the square field, in input pixels. */
  size: number;
  /** Input pixels between the centres of two neighbouring units. */
  jump: number;
  /** Centre (continuous input coordinates) of the field of the unit at row/column 0. */
  start: number;
}

/** VGG16's layer geometry: 3x3 convs, stride 1, 'same' padding; 2x2 max pools, stride 2. */
const CONV = { k: 3, s: 1, p: 1 };
const POOL = { k: 2, s: 2, p: 0 };

function computeAll(): Record<ConvLayerName, ReceptiveField> {
  const out = {} as Record<ConvLayerName, ReceptiveField>;
  let f: ReceptiveField = { size: 1, jump: 1, start: 0.5 };
  for (const layer of VGG16_LAYERS) {
    const { k, s, p } = layer.kind === 'conv' ? CONV : POOL;
    f = {
      size: f.size + (k - 1) * f.jump,
      jump: f.jump * s,
      start: f.start + ((k - 1) / 2 - p) * f.jump,
    };
    if (layer.kind === 'conv') out[layer.name] = f;
  }
  return out;
}

/** The receptive field of every conv layer of VGG16, in network order. */
export const RECEPTIVE_FIELDS: Readonly<Record<ConvLayerName, ReceptiveField>> = computeAll();

export function receptiveField(layer: ConvLayerName): ReceptiveField {
  return RECEPTIVE_FIELDS[layer];
}

/** Pixel rectangle [top, bottom) x [left, right) of an image. */
export interface PixelBounds {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * The field of the unit at (row, col) as whole pixels, clipped to an image of height x width.
 * `unclipped` is the full field, which may stick out of the image at the borders.
 */
export function patchBounds(
  field: ReceptiveField,
  row: number,
  col: number,
  height: number,
  width: number,
): { clipped: PixelBounds; unclipped: PixelBounds } {
  const half = field.size / 2;
  const cy = field.start + row * field.jump;
  const cx = field.start + col * field.jump;
  // Every VGG16 field is an integer size centred on a half-pixel or a pixel boundary so that the
  // ends are whole numbers; round only guards float error.
  const unclipped = {
    top: Math.round(cy - half),
    left: Math.round(cx - half),
    bottom: Math.round(cy + half),
    right: Math.round(cx + half),
  };
  const clipped = {
    top: Math.max(0, unclipped.top),
    left: Math.max(0, unclipped.left),
    bottom: Math.min(height, unclipped.bottom),
    right: Math.min(width, unclipped.right),
  };
  return { clipped, unclipped };
}
