/**
 * The tile grid of a tiled stage (issue 21), plain arithmetic: the engine's tiled stages run it
 * (src/engine/tiles) and the page's cost model counts its windows (src/ui/cost), so both agree.
 * The image is cut into cells that partition it; each cell is evaluated through a window, the cell widened by `margin` on every side (clipped to the
 * image), so adjacent windows overlap by 2 * margin. Windows are at most `tileSize` on a side, which
 * is what bounds the memory of a pass. Cuts fall on multiples of `align`, the stride of the deepest
 * layer used (2^pools), so a window's max pools group the same pixels as the whole image's and its
 * activations line up with the whole image's activation grid. Each pass shifts the cuts by a
 * different offset, so seams never stay in one place.
 */

/** Tiles of 256 px overlapping by 64 px: what the quality bench measured (README, tiled stages). */
export const TILE_SIZE = 256;
export const TILE_OVERLAP = 64;

/** [start, end) along one axis, in image pixels. */
export interface Span {
  start: number;
  end: number;
}

export interface Tile {
  /** The part of the image this tile answers for (cells partition the image). */
  rows: Span;
  cols: Span;
  /** The pixels it is evaluated on: the cell widened by the margin, clipped to the image. */
  windowRows: Span;
  windowCols: Span;
  /** Half-widths of the blend ramps at the cell's start and end cuts (0 at an image edge). */
  rampRows: Span;
  rampCols: Span;
}

export interface TileGridOptions {
  /** Largest window side, in pixels. */
  tileSize: number;
  /** Overlap of adjacent windows, in pixels: twice the margin around a cell. */
  overlap: number;
  /** Cuts and margins are multiples of this (the deepest layer's stride, see layerStride). */
  align: number;
}

/** Margin (half the overlap) rounded up to `align`, and the cell stride a window allows. */
export function gridSteps(o: TileGridOptions): { margin: number; stride: number } {
  const { tileSize, overlap, align } = o;
  if (!(Number.isInteger(align) && align >= 1)) throw new Error(`align must be >= 1, got ${align}`);
  const margin = Math.ceil(Math.max(overlap / 2, align) / align) * align;
  const stride = Math.floor((tileSize - 2 * margin) / align) * align;
  if (stride < align) {
    throw new Error(
      `tiles of ${tileSize} px leave no cell inside an overlap of ${2 * margin} px (aligned to ${align})`,
    );
  }
  return { margin, stride };
}

/**
 * Cut positions along an axis of `length` px: offset + k * stride, strictly inside, no cell
 * shorter than `align` (a too-short last cell joins its neighbour, which stays within tileSize
 * because margin >= align). One cell when the whole axis fits in a window.
 */
export function axisCuts(length: number, o: TileGridOptions, offset: number): number[] {
  const { stride } = gridSteps(o);
  if (length <= o.tileSize) return [];
  const cuts: number[] = [];
  for (let p = offset % stride || stride; p <= length - o.align; p += stride) cuts.push(p);
  return cuts;
}

function axisSpans(length: number, o: TileGridOptions, offset: number): [Span, Span, Span][] {
  const { margin } = gridSteps(o);
  const edges = [0, ...axisCuts(length, o, offset), length];
  // Ramp half-width at each edge: within the margin and half of either cell beside it.
  const ramps = edges.map((e, i) =>
    i === 0 || i === edges.length - 1
      ? 0
      : Math.min(margin, Math.floor((e - edges[i - 1]) / 2), Math.floor((edges[i + 1] - e) / 2)),
  );
  return edges.slice(1).map((end, i) => {
    const start = edges[i];
    const win = { start: Math.max(0, start - margin), end: Math.min(length, end + margin) };
    return [{ start, end }, win, { start: ramps[i], end: ramps[i + 1] }];
  });
}

/** The grid of one pass over an h x w image; `offset` (a multiple of align) shifts every cut. */
export function tileGrid(h: number, w: number, o: TileGridOptions, offset = 0): Tile[] {
  if (offset % o.align !== 0) throw new Error(`offset ${offset} is not a multiple of ${o.align}`);
  const rows = axisSpans(h, o, offset);
  const cols = axisSpans(w, o, offset);
  return rows.flatMap(([r, wr, rr]) =>
    cols.map(([c, wc, rc]) => ({
      rows: r,
      cols: c,
      windowRows: wr,
      windowCols: wc,
      rampRows: rr,
      rampCols: rc,
    })),
  );
}

/**
 * The offset of pass k: steps of about 0.4 of the stride, in units of align, coprime with the
 * number of positions so that every position comes round before any repeats.
 */
export function passOffset(pass: number, o: TileGridOptions): number {
  const { stride } = gridSteps(o);
  const positions = stride / o.align;
  let step = Math.max(1, Math.round(positions * 0.4));
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (positions > 1 && gcd(step, positions) !== 1) step++;
  return ((pass * step) % positions) * o.align;
}

/** 0 before the ramp around cut c, 1 after it, linear across [c - r, c + r). */
function rampUp(x: number, c: number, r: number): number {
  if (r === 0) return x >= c ? 1 : 0;
  return Math.min(1, Math.max(0, (x - c + r + 0.5) / (2 * r)));
}

/**
 * Blend weight of a tile's gradient along one axis at image position x (rows or cols): a linear
 * ramp across each cut, of half-width `ramp` (the margin, or less beside a short cell), 1 inside
 * the cell and up to an image edge, where the zero padding is the whole image's own. Ramps of
 * neighbouring cuts never overlap, so the weights of the tiles covering a pixel sum to 1, and a
 * weight is 0 wherever the tile's window does not reach. It falls towards the window edge, where
 * the tile's gradient is least right.
 */
export function blendWeight(x: number, cell: Span, ramp: Span): number {
  return rampUp(x, cell.start, ramp.start) * (1 - rampUp(x, cell.end, ramp.end));
}
