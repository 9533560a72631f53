import { describe, expect, it } from 'vitest';
import { coverCrop, downloadName, fileStem, outputSize } from './geometry';

describe('outputSize', () => {
  it('keeps the aspect ratio with the long side set', () => {
    expect(outputSize({ width: 400, height: 300 }, 256)).toEqual({ width: 256, height: 192 });
    expect(outputSize({ width: 300, height: 400 }, 64)).toEqual({ width: 48, height: 64 });
    expect(outputSize({ width: 1000, height: 3 }, 64)).toEqual({ width: 64, height: 1 });
  });
});

describe('coverCrop', () => {
  it('crops the long axis of a wider source, centred', () => {
    expect(coverCrop({ width: 200, height: 100 }, { width: 50, height: 50 })).toEqual({
      x: 50,
      y: 0,
      width: 100,
      height: 100,
    });
  });
  it('crops the height of a taller source', () => {
    const r = coverCrop({ width: 100, height: 400 }, { width: 64, height: 32 });
    expect(r).toEqual({ x: 0, y: 175, width: 100, height: 50 });
  });
});

describe('downloadName', () => {
  it('names the file after both images, the size and the iteration', () => {
    expect(downloadName('My photo.jpeg', 'van gogh.png', { width: 64, height: 48 }, 7)).toBe(
      'stylized-My-photo-van-gogh-64x48-it7.png',
    );
    expect(fileStem('...png')).toBe('image');
  });
});
