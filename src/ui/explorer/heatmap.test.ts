import { describe, expect, it } from 'vitest';
import { absQuantile, difference, heatmapRgba, sharedScale } from './heatmap';

describe('Gram heatmaps', () => {
  it('scales to the 99th percentile, so one huge entry does not blacken the rest', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i === 0 ? 1e6 : i % 10));
    expect(absQuantile(values, 0.99)).toBe(9);
    const px = heatmapRgba(values, sharedScale(values, values), 'sequential');
    // Value 9 (at the scale) is the brightest colour, like the clipped 1e6; 0 is black.
    expect(Array.from(px.slice(9 * 4, 9 * 4 + 4))).toEqual([252, 253, 191, 255]);
    expect(Array.from(px.slice(0, 4))).toEqual([252, 253, 191, 255]);
    expect(Array.from(px.slice(10 * 4, 10 * 4 + 3))).toEqual([0, 0, 4]);
  });

  it('shows the difference red where the style is larger, blue where the result is, white at 0', () => {
    const d = difference([5, 1, 3], [1, 5, 3]);
    expect(Array.from(d)).toEqual([4, -4, 0]);
    const px = heatmapRgba(d, 4, 'diverging');
    expect(Array.from(px)).toEqual([255, 0, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
    expect(() => difference([1], [1, 2])).toThrow(/differ/);
  });
});
