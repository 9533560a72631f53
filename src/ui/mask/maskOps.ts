/**
 * Editing a label map (0 unpainted, r + 1 region r): brush strokes, flood fill, coverage, and the
 * colours of its PNG form. Plain arrays, no DOM, so they are unit-tested directly.
 */

/** Region colours (RGB), as drawn over the content and as written in an exported mask PNG. */
export const REGION_COLOURS: readonly [number, number, number][] = [
  [230, 25, 75],
  [60, 180, 75],
  [67, 99, 216],
  [255, 225, 25],
];
export const REGION_NAMES = ['red', 'green', 'blue', 'yellow'] as const;

export function regionCss(r: number, alpha = 1): string {
  const [R, G, B] = REGION_COLOURS[r];
  return `rgba(${R}, ${G}, ${B}, ${alpha})`;
}

/** The long side of a label map: fine enough for a brush, small enough to keep and send. */
export const MASK_LONG_SIDE = 256;

/** [width, height] of the label map for a content image of w x h (same aspect ratio). */
export function maskSizeFor(w: number, h: number): [number, number] {
  const s = MASK_LONG_SIDE / Math.max(w, h);
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

/** Stamps a disc of `radius` (map pixels) with `label` along the segment (x0, y0)-(x1, y1). */
export function stroke(
  labels: Uint8Array,
  w: number,
  h: number,
  from: [number, number],
  to: [number, number],
  radius: number,
  label: number,
): void {
  const [dx, dy] = [to[0] - from[0], to[1] - from[1]];
  const steps = Math.max(1, Math.ceil(Math.hypot(dx, dy) / Math.max(0.5, radius / 2)));
  const r2 = radius * radius;
  for (let s = 0; s <= steps; s++) {
    const cx = from[0] + (dx * s) / steps;
    const cy = from[1] + (dy * s) / steps;
    const [y0, y1] = [
      Math.max(0, Math.floor(cy - radius)),
      Math.min(h - 1, Math.ceil(cy + radius)),
    ];
    const [x0, x1] = [
      Math.max(0, Math.floor(cx - radius)),
      Math.min(w - 1, Math.ceil(cx + radius)),
    ];
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        // Pixel centres within the disc (a radius under 1 still paints the pixel under it).
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= Math.max(r2, 0.5)) {
          labels[y * w + x] = label;
        }
      }
    }
  }
}

/** Flood fill (4-connected) of the area with the label at (x, y); returns how many changed. */
export function floodFill(
  labels: Uint8Array,
  w: number,
  h: number,
  x: number,
  y: number,
  label: number,
): number {
  if (x < 0 || y < 0 || x >= w || y >= h) return 0;
  const from = labels[y * w + x];
  if (from === label) return 0;
  const stack = [y * w + x];
  let changed = 0;
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (labels[i] !== from) continue;
    labels[i] = label;
    changed++;
    const [px, py] = [i % w, Math.floor(i / w)];
    if (px > 0) stack.push(i - 1);
    if (px < w - 1) stack.push(i + 1);
    if (py > 0) stack.push(i - w);
    if (py < h - 1) stack.push(i + w);
  }
  return changed;
}

/** Share (0..1) of the image each region covers, unpainted pixels counted to `defaultRegion`. */
export function coverage(labels: Uint8Array, regions: number, defaultRegion: number): number[] {
  const counts = new Array<number>(regions).fill(0);
  for (const l of labels) counts[l === 0 ? defaultRegion : l - 1]++;
  return counts.map((c) => c / Math.max(1, labels.length));
}

/** RGBA of the map as drawn (regions in their colours at `alpha` 0..255, unpainted clear). */
export function labelsToRgba(labels: Uint8Array, alpha: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(labels.length * 4);
  labels.forEach((l, i) => {
    if (l === 0) return;
    out.set([...REGION_COLOURS[l - 1], alpha], i * 4);
  });
  return out;
}

/**
 * A mask PNG's pixels (RGBA, sw x sh) as labels at w x h: nearest pixel at each centre; a clear
 * (alpha < 128) or black pixel is unpainted, any other takes the nearest of the first `regions`
 * colours (so a mask painted elsewhere in roughly these colours reads too).
 */
export function rgbaToLabels(
  rgba: Uint8ClampedArray | Uint8Array,
  sw: number,
  sh: number,
  w: number,
  h: number,
  regions: number,
): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / w));
      const i = (sy * sw + sx) * 4;
      const [R, G, B, A] = [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]];
      if (A < 128 || R + G + B < 48) continue;
      let best = 0;
      let bestD = Infinity;
      for (let r = 0; r < regions; r++) {
        const [cr, cg, cb] = REGION_COLOURS[r];
        const d = (R - cr) ** 2 + (G - cg) ** 2 + (B - cb) ** 2;
        if (d < bestD) [best, bestD] = [r, d];
      }
      out[y * w + x] = best + 1;
    }
  }
  return out;
}

/** Run-length form of a label map: (label, run 1..255) byte pairs (masks are large flat areas). */
export function encodeRuns(labels: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length;) {
    const l = labels[i];
    let n = 1;
    while (n < 255 && i + n < labels.length && labels[i + n] === l) n++;
    out.push(l, n);
    i += n;
  }
  return Uint8Array.from(out);
}

/** Inverse of encodeRuns; throws when the runs do not make exactly `length` labels. */
export function decodeRuns(runs: Uint8Array, length: number): Uint8Array {
  if (runs.length % 2 !== 0) throw new Error('mask runs have an odd length');
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const n = runs[i + 1];
    if (n === 0 || at + n > length) throw new Error('mask runs do not fit the mask size');
    out.fill(runs[i], at, at + n);
    at += n;
  }
  if (at !== length) throw new Error(`mask runs make ${at} labels, the mask has ${length}`);
  return out;
}
