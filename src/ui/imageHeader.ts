/**
 * Reads what an image file is from its bytes, before any decoding: format, dimensions, EXIF
 * orientation, transparency, animation, and whether it ends where its format says it must.
 * This lets the page refuse or downscale a 12000×9000 photo without decoding it at full size, and
 * name what is wrong with a file that is not an image or is cut short.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif';

export interface ImageHeader {
  format: ImageFormat;
  /** Stored dimensions (before EXIF orientation). */
  width: number;
  height: number;
  /** EXIF orientation 1..8 (JPEG only; 1 when absent). 5..8 swap width and height. */
  orientation: number;
  /** The format can carry transparency and this file declares it (alpha channel or key colour). */
  mayHaveAlpha: boolean;
  /** Number of frames when the format is animated (GIF image descriptors, APNG/WebP flags). */
  frames: number;
  /** Set when the file ends before its format's end marker: what is missing. */
  truncated: string | null;
}

/** The parser's own error: the only thing readImageHeader may throw (the fuzz test holds it to that). */
export class ImageHeaderError extends Error {
  override name = 'ImageHeaderError';
}

const FORMAT_LABEL: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
};

export function formatLabel(f: ImageFormat): string {
  return FORMAT_LABEL[f];
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

/** Width and height as displayed once EXIF orientation is applied. */
export function orientedSize(h: ImageHeader): { width: number; height: number } {
  return h.orientation >= 5 && h.orientation <= 8
    ? { width: h.height, height: h.width }
    : { width: h.width, height: h.height };
}

/** Names a non-image file from its first bytes, for a message ("a PDF document"). */
export function describeNonImage(b: Uint8Array, mime: string): string {
  if (ascii(b, 0, 5) === '%PDF-') return 'a PDF document';
  if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5)) return 'a ZIP archive';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'a gzip archive';
  if (ascii(b, 4, 4) === 'ftyp') return `a video or HEIF file (${mime || 'unknown type'})`;
  const head = b.subarray(0, 512);
  const text = ascii(b, 0, Math.min(b.length, 1024)).toLowerCase();
  if (mime === 'image/svg+xml' || text.includes('<svg')) {
    return 'an SVG drawing: vector images are not supported, only pixel images';
  }
  // Text: no control bytes other than tab/newline/carriage return in the first 512 bytes.
  if (head.length > 0 && head.every((c) => c >= 0x20 || c === 9 || c === 10 || c === 13)) {
    return `a text file${mime ? ` (${mime})` : ''}`;
  }
  return mime ? `a ${mime} file` : 'a file of unknown type';
}

/** Parses the header of a PNG, JPEG, GIF, WebP or BMP; null when the bytes are none of these. */
export function readImageHeader(b: Uint8Array): ImageHeader | null {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return readPng(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return readJpeg(b);
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) {
    return readGif(b);
  }
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return readWebp(b);
  if (b.length >= 2 && ascii(b, 0, 2) === 'BM') return readBmp(b);
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && isAvifBrand(b)) return readAvif(b);
  return null;
}

/** ftyp's major or a compatible brand is avif (still) or avis (sequence). */
function isAvifBrand(b: Uint8Array): boolean {
  const size = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
  for (let at = 8; at + 4 <= Math.min(size, b.length); at += 4) {
    if (at === 12) continue; // minor version
    const brand = ascii(b, at, 4);
    if (brand === 'avif' || brand === 'avis') return true;
  }
  return false;
}

/**
 * AVIF (HEIF with AV1): the size is the first 'ispe' property (the primary image's, by the order
 * encoders write); an 'irot' of 90° or 270° swaps it, as the decoder turns the image upright.
 * AVIF may carry alpha; the pixels are checked after decoding.
 */
function readAvif(b: Uint8Array): ImageHeader {
  const h = base('avif');
  h.mayHaveAlpha = true;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const limit = Math.min(b.length, 64 * 1024);
  let rot = 0;
  let found = false;
  for (let i = 4; i + 16 <= limit; i++) {
    if (!found && b[i] === 0x69 && ascii(b, i, 4) === 'ispe') {
      h.width = v.getUint32(i + 8);
      h.height = v.getUint32(i + 12);
      found = true;
    } else if (b[i] === 0x69 && ascii(b, i, 4) === 'irot') {
      rot = b[i + 4] & 3;
    }
  }
  if (!found) h.truncated = "the AVIF has no image size ('ispe') in its header";
  if (rot === 1 || rot === 3) [h.width, h.height] = [h.height, h.width];
  return h;
}

function base(format: ImageFormat): ImageHeader {
  return {
    format,
    width: 0,
    height: 0,
    orientation: 1,
    mayHaveAlpha: false,
    frames: 1,
    truncated: null,
  };
}

function readPng(b: Uint8Array): ImageHeader {
  const h = base('png');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') {
    h.truncated = 'the PNG ends before its header (IHDR) is complete';
    return h;
  }
  h.width = v.getUint32(16);
  h.height = v.getUint32(20);
  const colourType = b[25];
  h.mayHaveAlpha = colourType === 4 || colourType === 6;
  // Walk the chunks: tRNS declares a key colour, acTL an animation, IEND the end.
  let at = 8;
  for (;;) {
    if (at + 8 > b.length) {
      h.truncated = 'the PNG ends before its IEND chunk';
      break;
    }
    const len = v.getUint32(at);
    const type = ascii(b, at + 4, 4);
    if (type === 'tRNS') h.mayHaveAlpha = true;
    if (type === 'acTL' && at + 12 <= b.length) h.frames = Math.max(1, v.getUint32(at + 8));
    if (type === 'IEND') break;
    at += 12 + len;
  }
  return h;
}

/** EXIF orientation from an APP1 "Exif\0\0" payload starting at `at`; 1 when absent. */
function exifOrientation(b: Uint8Array, at: number, end: number): number {
  if (ascii(b, at, 6) !== 'Exif\0\0') return 1;
  const tiff = at + 6;
  if (tiff + 8 > end) return 1;
  const little = ascii(b, tiff, 2) === 'II';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (p: number) => v.getUint16(p, little);
  const u32 = (p: number) => v.getUint32(p, little);
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) break;
    if (u16(e) === 0x0112) {
      const o = u16(e + 8);
      return o >= 1 && o <= 8 ? o : 1;
    }
  }
  return 1;
}

function readJpeg(b: Uint8Array): ImageHeader {
  const h = base('jpeg');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 2;
  let scanAt = -1;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) break; // not at a marker: corrupt; the decoder will say so
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const len = v.getUint16(at + 2);
    const seg = at + 4;
    if (marker === 0xe1) h.orientation = exifOrientation(b, seg, Math.min(b.length, at + 2 + len));
    const isSof =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && seg + 5 <= b.length) {
      h.height = v.getUint16(seg + 1);
      h.width = v.getUint16(seg + 3);
    }
    if (marker === 0xda) {
      scanAt = at + 2 + len;
      break;
    }
    at += 2 + len;
  }
  if (scanAt < 0 || scanAt > b.length) {
    h.truncated = 'the JPEG ends before its image data starts';
    return h;
  }
  // In entropy-coded data 0xFF is followed by 0x00 or a restart marker, so FF D9 is the end.
  let end = false;
  for (let i = scanAt; i + 1 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) {
      end = true;
      break;
    }
  }
  if (!end) h.truncated = 'the JPEG ends before its end-of-image marker';
  return h;
}

function readGif(b: Uint8Array): ImageHeader {
  const h = base('gif');
  if (b.length < 13) {
    h.truncated = 'the GIF ends inside its header';
    return h;
  }
  h.width = b[6] | (b[7] << 8);
  h.height = b[8] | (b[9] << 8);
  let at = 13;
  if (b[10] & 0x80) at += 3 * (1 << ((b[10] & 7) + 1));
  let frames = 0;
  const skipSubBlocks = (p: number): number => {
    while (p < b.length && b[p] !== 0) p += b[p] + 1;
    return p + 1;
  };
  for (;;) {
    if (at >= b.length) {
      if (frames === 0) h.truncated = 'the GIF ends before its first frame';
      break;
    }
    const block = b[at];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      // Graphic control extension: bit 0 of its packed byte flags a transparent colour.
      if (b[at + 1] === 0xf9 && at + 3 < b.length && b[at + 3] & 1) h.mayHaveAlpha = true;
      at = skipSubBlocks(at + 2);
    } else if (block === 0x2c) {
      const packed = b[at + 9];
      at += 10;
      if (packed & 0x80) at += 3 * (1 << ((packed & 7) + 1));
      at = skipSubBlocks(at + 1); // LZW minimum code size, then the data
      if (at <= b.length) frames++;
    } else {
      break; // unknown block: leave the rest to the decoder
    }
  }
  h.frames = Math.max(1, frames);
  return h;
}

function readWebp(b: Uint8Array): ImageHeader {
  const h = base('webp');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const riffEnd = 8 + v.getUint32(4, true);
  if (riffEnd > b.length) h.truncated = 'the WebP ends before the length its RIFF header states';
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30) {
    h.width = v.getUint16(26, true) & 0x3fff;
    h.height = v.getUint16(28, true) & 0x3fff;
  } else if (chunk === 'VP8L' && b.length >= 25) {
    const bits = v.getUint32(21, true);
    h.width = (bits & 0x3fff) + 1;
    h.height = ((bits >> 14) & 0x3fff) + 1;
    h.mayHaveAlpha = ((bits >> 28) & 1) === 1;
  } else if (chunk === 'VP8X' && b.length >= 30) {
    const flags = b[20];
    h.mayHaveAlpha = (flags & 0x10) !== 0;
    if (flags & 0x02) h.frames = 2; // animated; the count needs a walk over ANMF chunks
    h.width = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    h.height = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
  } else if (!h.truncated) {
    h.truncated = 'the WebP ends inside its header';
  }
  return h;
}

function readBmp(b: Uint8Array): ImageHeader {
  const h = base('bmp');
  if (b.length < 30) {
    h.truncated = 'the BMP ends inside its header';
    return h;
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(2, true) > b.length) h.truncated = 'the BMP is shorter than its header states';
  h.width = Math.abs(v.getInt32(18, true));
  h.height = Math.abs(v.getInt32(22, true));
  h.mayHaveAlpha = v.getUint16(28, true) === 32;
  return h;
}
