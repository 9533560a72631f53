import { describe, expect, it } from 'vitest';
import { CONV_LAYER_NAMES } from '../../model/topology';
import { patchBounds, receptiveField, RECEPTIVE_FIELDS } from './receptiveField';

describe('receptive fields of VGG16', () => {
  it('match the table of the issue (3, 5, 10, 14, 24, 32, 40, 60, 76, 92, 132, 164, 196)', () => {
    expect(CONV_LAYER_NAMES.map((l) => RECEPTIVE_FIELDS[l].size)).toEqual([
      3, 5, 10, 14, 24, 32, 40, 60, 76, 92, 132, 164, 196,
    ]);
  });

  it('jump doubles after each pool (1, 2, 4, 8, 16 px)', () => {
    expect(CONV_LAYER_NAMES.map((l) => RECEPTIVE_FIELDS[l].jump)).toEqual([
      1, 1, 2, 2, 4, 4, 4, 8, 8, 8, 16, 16, 16,
    ]);
  });

  it('start offsets: 0.5 px in block 1, then the centre of each pooled 2x2 block', () => {
    // block2 unit 0 pools input pixels 0..1 (centre 1.0), block3's pools 0..3 (centre 2.0), ...
    expect(CONV_LAYER_NAMES.map((l) => RECEPTIVE_FIELDS[l].start)).toEqual([
      0.5, 0.5, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8,
    ]);
  });

  it('patch bounds: interior fields are full size, border fields are clipped to the image', () => {
    const f = receptiveField('block2_conv1'); // size 10, jump 2, start 1
    // Unit (5, 7): centre (11, 15) -> rows 6..16, cols 10..20.
    expect(patchBounds(f, 5, 7, 32, 32).clipped).toEqual({
      top: 6,
      left: 10,
      bottom: 16,
      right: 20,
    });
    // Unit (0, 15) of a 32 px image: the field sticks out above and to the right.
    const corner = patchBounds(f, 0, 15, 32, 32);
    expect(corner.unclipped).toEqual({ top: -4, left: 26, bottom: 6, right: 36 });
    expect(corner.clipped).toEqual({ top: 0, left: 26, bottom: 6, right: 32 });
  });
});
