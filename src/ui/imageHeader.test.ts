import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { describeNonImage, orientedSize, readImageHeader } from './imageHeader';
import { headerOnlyPng, twoFrameGif, exifOrientationSegment } from '../../e2e/fixtures/makeImages';

function pngBytes(w: number, h: number, colorType: 2 | 6): Uint8Array {
  const img = new PNG({ width: w, height: h, colorType, inputHasAlpha: true });
  return new Uint8Array(PNG.sync.write(img, { colorType }));
}

describe('readImageHeader', () => {
  it('reads PNG size and alpha, and spots a missing IEND', () => {
    const rgba = pngBytes(37, 21, 6);
    expect(readImageHeader(rgba)).toMatchObject({
      format: 'png',
      width: 37,
      height: 21,
      mayHaveAlpha: true,
      truncated: null,
    });
    expect(readImageHeader(pngBytes(5, 9, 2))).toMatchObject({
      width: 5,
      height: 9,
      mayHaveAlpha: false,
    });
    expect(readImageHeader(rgba.subarray(0, rgba.length - 12))?.truncated).toMatch(/IEND/);
    expect(readImageHeader(new Uint8Array(headerOnlyPng(40000, 30000)))).toMatchObject({
      width: 40000,
      height: 30000,
      truncated: null,
    });
  });

  it('counts GIF frames', () => {
    const h = readImageHeader(new Uint8Array(twoFrameGif(24, 20)));
    expect(h).toMatchObject({ format: 'gif', width: 24, height: 20, frames: 2, truncated: null });
  });

  it('reads JPEG SOF size and EXIF orientation, and a missing end marker', () => {
    // SOI, APP1 (orientation 6), SOF0 64x32, SOS with a little scan data, EOI.
    const sof = [0xff, 0xc0, 0, 11, 8, 0, 32, 0, 64, 1, 1, 0x11, 0];
    const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xff, 0x00, 0x56];
    const jpeg = new Uint8Array([
      0xff,
      0xd8,
      ...exifOrientationSegment(6),
      ...sof,
      ...sos,
      0xff,
      0xd9,
    ]);
    const h = readImageHeader(jpeg)!;
    expect(h).toMatchObject({
      format: 'jpeg',
      width: 64,
      height: 32,
      orientation: 6,
      truncated: null,
    });
    expect(orientedSize(h)).toEqual({ width: 32, height: 64 });
    expect(readImageHeader(jpeg.subarray(0, jpeg.length - 2))?.truncated).toMatch(/end-of-image/);
  });

  it('names files that are not images', () => {
    const text = new TextEncoder().encode('just words\n');
    expect(readImageHeader(text)).toBeNull();
    expect(describeNonImage(text, 'text/plain')).toBe('a text file (text/plain)');
    expect(describeNonImage(new TextEncoder().encode('%PDF-1.7'), '')).toBe('a PDF document');
    expect(describeNonImage(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), '')).toBe('a ZIP archive');
  });
});
