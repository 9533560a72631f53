import { describe, expect, it } from 'vitest';
import { firstLayerFilterImages } from './firstLayerFilters';

describe('first-layer filter images', () => {
  it('puts BGR input channels back in RGB order and stretches each kernel to 0..1 on its own', () => {
    const out = 2;
    // HWIO [3, 3, 3, 2]: kernel 0 is all blue (BGR channel 0 = 1, rest 0) with one pixel at -1;
    // kernel 1 is 10x larger in red only.
    const k = new Float32Array(9 * 3 * out);
    const at = (p: number, c: number, f: number) => (p * 3 + c) * out + f;
    for (let p = 0; p < 9; p++) {
      k[at(p, 0, 0)] = 1;
      k[at(p, 2, 1)] = 10;
    }
    k[at(4, 0, 0)] = -1;
    const img = firstLayerFilterImages(k);
    expect(img.count).toBe(2);
    const px = (f: number, p: number) =>
      Array.from(img.rgb.slice((f * 9 + p) * 3, (f * 9 + p) * 3 + 3));
    // Kernel 0: range -1..1, so blue 1 -> 1, zeros -> 0.5, the -1 centre -> 0.
    expect(px(0, 0)).toEqual([0.5, 0.5, 1]);
    expect(px(0, 4)).toEqual([0.5, 0.5, 0]);
    // Kernel 1: range 0..10, red at full scale whatever its size.
    expect(px(1, 0)).toEqual([1, 0, 0]);
  });

  it('shows a constant kernel as mid-grey and refuses a kernel array of the wrong length', () => {
    expect(Array.from(firstLayerFilterImages(new Float32Array(27).fill(3)).rgb)).toEqual(
      new Array(27).fill(0.5),
    );
    expect(() => firstLayerFilterImages(new Float32Array(26))).toThrow(/whole number/);
  });
});
