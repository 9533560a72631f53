/**
 * Gram matrices as pictures. Style and generated share one scale so equal values look equal; the
 * difference uses a diverging scale centred on 0. Scales stop at the 99th percentile of |value|:
 * a Gram's few huge diagonal entries would otherwise leave the rest black.
 */

/** The q-quantile (0..1) of |values|; 0 for an empty array. */
export function absQuantile(values: ArrayLike<number>, q: number): number {
  const a = Float32Array.from(values, Math.abs).sort();
  if (a.length === 0) return 0;
  return a[Math.min(a.length - 1, Math.floor(q * (a.length - 1)))];
}

/** The shared scale of two Grams (at least a tiny positive number, so 0/0 never happens). */
export function sharedScale(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.max(absQuantile(a, 0.99), absQuantile(b, 0.99), 1e-12);
}

/** Sequential map for v in 0..1: black -> purple -> orange -> pale yellow (magma-like). */
function sequential(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [0, 0, 4],
    [81, 18, 124],
    [183, 55, 121],
    [252, 137, 97],
    [252, 253, 191],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as [
    number,
    number,
    number,
  ];
}

/** Diverging map for v in -1..1: blue (negative) -> white (0) -> red (positive). */
function diverging(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(-1, t));
  const fade = Math.round(255 * (1 - Math.abs(v)));
  return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** The map as a CSS gradient, left to right (0..1 sequential, -1..1 diverging), for its legend. */
export function legendGradient(kind: 'sequential' | 'diverging'): string {
  const stops = Array.from({ length: 9 }, (_, i) => {
    const t = i / 8;
    const [r, g, b] = kind === 'sequential' ? sequential(t) : diverging(2 * t - 1);
    return `rgb(${r} ${g} ${b}) ${(100 * t).toFixed(1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** RGBA pixels of a values array (row-major n x n) under `scale`. */
export function heatmapRgba(
  values: ArrayLike<number>,
  scale: number,
  kind: 'sequential' | 'diverging',
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const t = values[i] / scale;
    const [r, g, b] = kind === 'sequential' ? sequential(t) : diverging(t);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** style - generated, element-wise. */
export function difference(style: ArrayLike<number>, generated: ArrayLike<number>): Float32Array {
  if (style.length !== generated.length) {
    throw new Error(`Gram sizes differ: ${style.length} vs ${generated.length} values`);
  }
  return Float32Array.from(style, (v, i) => v - generated[i]);
}
