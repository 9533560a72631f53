/**
 * The explorer's scales, as pure functions: per-layer cost bars on a log scale, which first-layer
 * filters are constant (drawn flat grey, so they get a word), and a receptive field's box to scale
 * against a pool image.
 */

/** Decades a bar chart spans at most: smaller values sit at the track's start. */
const MAX_DECADES = 8;

export interface LogBars {
  /** Percent of the track per value (0 for a missing or non-positive value). */
  widths: number[];
  /** Decades the track spans, from its start to the largest value. */
  decades: number;
}

/**
 * Bar widths on a log scale ending at the largest value: one more decade than the smallest value
 * needs, so the smallest bar still shows (a linear scale left four of five as 1 px slivers).
 */
export function logBars(values: readonly number[]): LogBars {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return { widths: values.map(() => 0), decades: 1 };
  const max = Math.max(...positive);
  const min = Math.min(...positive);
  const decades = Math.min(MAX_DECADES, Math.max(1, Math.ceil(Math.log10(max / min)) + 1));
  const widths = values.map((v) => {
    if (!(Number.isFinite(v) && v > 0)) return 0;
    const w = (100 * (decades + Math.log10(v / max))) / decades;
    return Math.min(100, Math.max(1, w));
  });
  return { widths, decades };
}

/** Indices of the filters whose pixels are all one value (a constant kernel, drawn flat grey). */
export function constantFilters(rgba: Uint8ClampedArray, size: number, count: number): Set<number> {
  const out = new Set<number>();
  const px = size * size * 4;
  for (let f = 0; f < count; f++) {
    const first = rgba[f * px];
    let flat = true;
    for (let i = 0; i < px && flat; i++) {
      if (i % 4 !== 3 && rgba[f * px + i] !== first) flat = false;
    }
    if (flat) out.add(f);
  }
  return out;
}

/**
 * A field's box against a square pool image of `workingSize` px, drawn `drawn` px wide: the
 * image's side and the box's side in drawn px (a field wider than the image overflows it).
 */
export function fieldToScale(
  fieldSize: number,
  workingSize: number,
  drawn: number,
): { image: number; box: number } {
  const scale = drawn / Math.max(workingSize, fieldSize);
  return { image: workingSize * scale, box: fieldSize * scale };
}
