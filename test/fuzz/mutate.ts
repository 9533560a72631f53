/**
 * Seeded mutations of valid files, for the fuzz tests (Node) and the fuzzed-files e2e test: bit
 * flips, truncations, inflated dimensions in headers, and huge length fields. Every case is made
 * from (kind, base seed, index) alone, so a failing case can be replayed by its index.
 * Pure byte work: no Node or DOM API, so the e2e test and the fuzz child share it.
 */
import { mulberry32 } from '../../src/model/randomWeights';

export type FuzzKind = 'png' | 'jpeg' | 'gif' | 'webp' | 'h5';
export const FUZZ_KINDS: readonly FuzzKind[] = ['png', 'jpeg', 'gif', 'webp', 'h5'];

export const MUTATIONS = ['bitflip', 'truncate', 'dimensions', 'length'] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzCase {
  kind: FuzzKind;
  index: number;
  seed: string;
  mutation: Mutation;
  /** What was changed, e.g. "IHDR width = 0xffffffff" or "cut to 17 of 897 bytes". */
  detail: string;
  bytes: Uint8Array;
}

/** A numeric field inside a file: its offset, width in bytes and byte order. */
interface Field {
  at: number;
  size: 1 | 2 | 3 | 4 | 8;
  little: boolean;
  what: string;
}

interface Fields {
  dims: Field[];
  lengths: Field[];
  /** Called after a field is rewritten (PNG: recompute the chunk's CRC so decoders read on). */
  fixup?: (b: Uint8Array, f: Field) => void;
}

const ascii = (b: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...b.subarray(at, Math.min(b.length, at + n)));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32be = (b: Uint8Array, at: number) =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const u32le = (b: Uint8Array, at: number) =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngFields(b: Uint8Array): Fields {
  const out: Fields = { dims: [], lengths: [] };
  const chunkStarts = new Map<number, number>(); // field offset -> chunk start
  for (let at = 8; at + 8 <= b.length;) {
    const type = ascii(b, at + 4, 4);
    out.lengths.push({ at, size: 4, little: false, what: `${type} length` });
    if (type === 'IHDR') {
      out.dims.push({ at: at + 8, size: 4, little: false, what: 'IHDR width' });
      out.dims.push({ at: at + 12, size: 4, little: false, what: 'IHDR height' });
      chunkStarts.set(at + 8, at);
      chunkStarts.set(at + 12, at);
    }
    if (type === 'IEND') break;
    at += 12 + u32be(b, at);
  }
  out.fixup = (bytes, f) => {
    const start = chunkStarts.get(f.at);
    if (start === undefined) return;
    const len = u32be(bytes, start);
    if (start + 12 + len > bytes.length) return;
    const crc = crc32(bytes.subarray(start + 4, start + 8 + len));
    writeField(bytes, { at: start + 8 + len, size: 4, little: false, what: 'crc' }, crc);
  };
  return out;
}

function jpegFields(b: Uint8Array): Fields {
  const out: Fields = { dims: [], lengths: [] };
  for (let at = 2; at + 4 <= b.length && b[at] === 0xff;) {
    const marker = b[at + 1];
    if (marker === 0xd8 || marker === 0xff || (marker >= 0xd0 && marker <= 0xd7)) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    const name = `FF${marker.toString(16).toUpperCase()}`;
    out.lengths.push({ at: at + 2, size: 2, little: false, what: `${name} length` });
    const sof =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) {
      out.dims.push({ at: at + 5, size: 2, little: false, what: `${name} height` });
      out.dims.push({ at: at + 7, size: 2, little: false, what: `${name} width` });
    }
    if (marker === 0xda) break;
    at += 2 + u16be(b, at + 2);
  }
  return out;
}

function gifFields(b: Uint8Array): Fields {
  const out: Fields = {
    dims: [
      { at: 6, size: 2, little: true, what: 'screen width' },
      { at: 8, size: 2, little: true, what: 'screen height' },
    ],
    // A colour table's size is 3·2^(n+1) from the low bits of a packed byte: a length in disguise.
    lengths: [{ at: 10, size: 1, little: true, what: 'global colour table size' }],
  };
  const subBlocks = (p: number, what: string): number => {
    while (p < b.length && b[p] !== 0) {
      out.lengths.push({ at: p, size: 1, little: true, what });
      p += b[p] + 1;
    }
    return p + 1;
  };
  let at = 13 + (b[10] & 0x80 ? 3 * (1 << ((b[10] & 7) + 1)) : 0);
  while (at < b.length && b[at] !== 0x3b) {
    if (b[at] === 0x21) {
      at = subBlocks(at + 2, `extension ${b[at + 1]?.toString(16)} block size`);
    } else if (b[at] === 0x2c) {
      out.dims.push({ at: at + 5, size: 2, little: true, what: 'frame width' });
      out.dims.push({ at: at + 7, size: 2, little: true, what: 'frame height' });
      out.lengths.push({ at: at + 9, size: 1, little: true, what: 'local colour table size' });
      const packed = b[at + 9];
      at += 10 + (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0);
      at = subBlocks(at + 1, 'image data block size');
    } else {
      break;
    }
  }
  return out;
}

function webpFields(b: Uint8Array): Fields {
  const out: Fields = {
    dims: [],
    lengths: [{ at: 4, size: 4, little: true, what: 'RIFF length' }],
  };
  for (let at = 12; at + 8 <= b.length;) {
    const type = ascii(b, at, 4);
    const data = at + 8;
    out.lengths.push({ at: at + 4, size: 4, little: true, what: `${type} length` });
    if (type === 'VP8X') {
      out.dims.push({ at: data + 4, size: 3, little: true, what: 'VP8X canvas width' });
      out.dims.push({ at: data + 7, size: 3, little: true, what: 'VP8X canvas height' });
    } else if (type === 'VP8 ') {
      out.dims.push({ at: data + 6, size: 2, little: true, what: 'VP8 width' });
      out.dims.push({ at: data + 8, size: 2, little: true, what: 'VP8 height' });
    } else if (type === 'VP8L') {
      out.dims.push({ at: data + 1, size: 4, little: true, what: 'VP8L width/height bits' });
    }
    const len = u32le(b, at + 4);
    at = data + len + (len & 1);
  }
  return out;
}

/** The 8-byte little-endian integer at `at` (exact up to 2^53, plenty for the values sought). */
const u64le = (b: Uint8Array, at: number) => u32le(b, at) + u32le(b, at + 4) * 2 ** 32;

/** Every 8-byte little-endian occurrence of `value` (HDF5 stores sizes and addresses so). */
function u64Occurrences(b: Uint8Array, value: number): number[] {
  const found: number[] = [];
  for (let at = 0; at + 8 <= b.length; at++) if (u64le(b, at) === value) found.push(at);
  return found;
}

/**
 * HDF5 has no chunk walk a fuzzer can do in a few lines, so the fields are found by value: the
 * kernel's dataspace dimensions (3, 3, 3, 64 as consecutive 8-byte integers), and as lengths the
 * end-of-file address (the file's size) and the datasets' storage sizes.
 */
function h5Fields(b: Uint8Array): Fields {
  const out: Fields = { dims: [], lengths: [] };
  const dims = [3, 3, 3, 64];
  for (const at of u64Occurrences(b, 3)) {
    if (at + 32 > b.length || !dims.every((d, i) => u64le(b, at + 8 * i) === d)) continue;
    dims.forEach((_, i) =>
      out.dims.push({ at: at + 8 * i, size: 8, little: true, what: `kernel dimension ${i}` }),
    );
  }
  for (const [value, what] of [
    [b.length, 'end-of-file address'],
    [3 * 3 * 3 * 64 * 4, 'kernel storage size'],
    [64 * 4, 'bias storage size'],
  ] as const) {
    for (const at of u64Occurrences(b, value))
      out.lengths.push({ at, size: 8, little: true, what });
  }
  return out;
}

const FIELDS: Record<FuzzKind, (b: Uint8Array) => Fields> = {
  png: pngFields,
  jpeg: jpegFields,
  gif: gifFields,
  webp: webpFields,
  h5: h5Fields,
};

/** Writes `value` (wrapped to the field's width) into `b`. */
function writeField(b: Uint8Array, f: Field, value: number | bigint): void {
  let v = BigInt.asUintN(f.size * 8, BigInt(value));
  for (let i = 0; i < f.size; i++) {
    b[f.little ? f.at + i : f.at + f.size - 1 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Values past every limit, at the edges of signed/unsigned ranges, and zero. */
const DIMENSION_VALUES: Record<Field['size'], (number | bigint)[]> = {
  1: [0xff, 0x80],
  2: [0xffff, 0x8000, 0x7fff, 0],
  3: [0xffffff, 0x800000, 0x7fffff],
  4: [0xffffffff, 0x80000000, 0x7fffffff, 30001, 65535, 1e9, 0],
  8: [2n ** 32n, 2n ** 40n, 2n ** 62n, 2n ** 64n - 1n, 0n],
};

const LENGTH_VALUES: Record<Field['size'], (number | bigint)[]> = {
  1: [0xff, 0xfe, 0x7f],
  2: [0xffff, 0xfffe, 0x8000, 0, 1],
  3: [0xffffff],
  4: [0xffffffff, 0xfffffff0, 0x80000000, 0x7fffffff, 0x10000000],
  8: [2n ** 31n, 2n ** 40n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 8n],
};

const pick = <T>(rand: () => number, list: readonly T[]): T =>
  list[Math.floor(rand() * list.length)];

/** Region most format structure lives in: bit flips and cuts aim there half the time. */
const headLength = (b: Uint8Array) => Math.min(b.length, 512);

function bitflip(b: Uint8Array, rand: () => number): string {
  const flips = 1 + Math.floor(rand() * 8);
  const at: number[] = [];
  for (let i = 0; i < flips; i++) {
    const span = rand() < 0.5 ? headLength(b) : b.length;
    const p = Math.floor(rand() * span);
    b[p] ^= 1 << Math.floor(rand() * 8);
    at.push(p);
  }
  return `${flips} bit(s) flipped at ${at.join(', ')}`;
}

function rewrite(
  b: Uint8Array,
  fields: Fields,
  list: Field[],
  values: Record<Field['size'], (number | bigint)[]>,
  rand: () => number,
): string | null {
  if (list.length === 0) return null;
  const f = pick(rand, list);
  const v = pick(rand, values[f.size]);
  writeField(b, f, v);
  fields.fixup?.(b, f);
  // A second field now and then: both dimensions at once, or a length and a dimension.
  let also = '';
  if (list.length > 1 && rand() < 0.3) {
    const g = pick(rand, list);
    const w = pick(rand, values[g.size]);
    writeField(b, g, w);
    fields.fixup?.(b, g);
    also = `, ${g.what} @${g.at} = 0x${w.toString(16)}`;
  }
  return `${f.what} @${f.at} = 0x${v.toString(16)}${also}`;
}

/** Case `index` of `kind`, from `baseSeed`: the same three numbers always give the same bytes. */
export function fuzzCase(
  kind: FuzzKind,
  seeds: readonly Seed[],
  baseSeed: number,
  index: number,
): FuzzCase {
  const mutation = MUTATIONS[index % MUTATIONS.length];
  const seed = seeds[Math.floor(index / MUTATIONS.length) % seeds.length];
  const rand = mulberry32(
    Math.imul(baseSeed, 0x9e3779b1) ^ (FUZZ_KINDS.indexOf(kind) << 24) ^ index,
  );
  const bytes = seed.bytes.slice();
  let detail: string | null;
  if (mutation === 'truncate') {
    const span = rand() < 0.5 ? headLength(bytes) : bytes.length;
    const keep = Math.floor(rand() * span);
    return {
      kind,
      index,
      seed: seed.name,
      mutation,
      detail: `cut to ${keep} of ${bytes.length} bytes`,
      bytes: bytes.slice(0, keep),
    };
  }
  if (mutation === 'bitflip') {
    detail = bitflip(bytes, rand);
  } else {
    const fields = FIELDS[kind](bytes);
    detail =
      mutation === 'dimensions'
        ? rewrite(bytes, fields, fields.dims, DIMENSION_VALUES, rand)
        : rewrite(bytes, fields, fields.lengths, LENGTH_VALUES, rand);
    if (detail === null) throw new Error(`seed ${seed.name} has no ${mutation} field to mutate`);
  }
  return { kind, index, seed: seed.name, mutation, detail, bytes };
}

/** How many mutable fields a seed offers, so a test can check the mutators found something. */
export function fieldCounts(kind: FuzzKind, b: Uint8Array): { dims: number; lengths: number } {
  const f = FIELDS[kind](b);
  return { dims: f.dims.length, lengths: f.lengths.length };
}
