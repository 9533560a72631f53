import { describe, expect, it } from 'vitest';
import { constantFilters, fieldToScale, logBars } from './scales';

describe('explorer scales', () => {
  it('draws cost bars on a log scale so small layers still show, and leaves missing ones empty', () => {
    // Five style layers' λ·J as a run reports them: one dominates by three decades.
    const { widths, decades } = logBars([2e-1, 3e-3, 4e-4, 5e-4, 6e-4, NaN]);
    expect(decades).toBe(4);
    expect(widths[0]).toBe(100);
    for (const w of widths.slice(1, 5)) expect(w).toBeGreaterThan(10);
    // Ordered as the values are, and a tenfold value one decade (a quarter of the track) longer.
    expect(widths[1]).toBeGreaterThan(widths[4]);
    expect(widths[5]).toBe(0);
    expect(logBars([1e-3, 1e-2]).widths.map((w) => Math.round(w))).toEqual([50, 100]);
    expect(logBars([NaN]).widths).toEqual([0]);
  });

  it('finds the constant first-layer filters (flat grey), not the stretched ones', () => {
    const size = 3;
    const px = size * size * 4;
    const rgba = new Uint8ClampedArray(3 * px);
    for (let i = 0; i < px; i++) rgba[i] = i % 4 === 3 ? 255 : 128; // constant
    for (let i = 0; i < px; i++) rgba[px + i] = i % 4 === 3 ? 255 : (i * 29) % 256; // varied
    for (let i = 0; i < px; i++) rgba[2 * px + i] = i % 4 === 3 ? 255 : 128;
    rgba[2 * px + 5] = 0; // one value apart
    expect([...constantFilters(rgba, size, 3)]).toEqual([0]);
  });

  it('draws a field to the scale of its pool image', () => {
    expect(fieldToScale(10, 48, 96)).toEqual({ image: 96, box: 20 });
    // A field larger than the image (block5: 212 px in a 96 px image): the box fills the drawing.
    expect(fieldToScale(212, 96, 106)).toEqual({ image: 48, box: 106 });
  });
});
