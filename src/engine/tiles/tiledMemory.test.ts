import { describe, expect, it } from 'vitest';
import { checkOutputSize, type MemoryModel } from '../memoryEstimate';
import { checkTiledOutputSize, TILED_MAX_LONG_SIDE, untiledMaxPixels } from './tiledMemory';

// About what the page measures on wasm with the default layers: 848 px is the untiled limit.
const model: MemoryModel = { fixedBytes: 200e6, bytesPerPixel: 4900, samples: [] };
const wasm = { budgetBytes: 0.9 * 4 * 2 ** 30, maxTextureSize: null };

describe('tiled output sizes', () => {
  it('the untiled limit is the pixel count whose estimate fills the budget', () => {
    const px = untiledMaxPixels(model, wasm);
    const side = Math.floor(Math.sqrt(px));
    expect(checkOutputSize(model, side, side, wasm).fits).toBe(true);
    expect(checkOutputSize(model, side + 1, side + 1, wasm).fits).toBe(false);
  });

  it('sizes past the untiled limit fit in tiles up to 4096 px, and say so', () => {
    const v = checkTiledOutputSize(model, 1365, 2048, wasm, true);
    expect(v).toMatchObject({ fits: true, tiled: true });
    expect(v.untiledLongSide).toBeGreaterThan(800);
    expect(v.untiledLongSide).toBeLessThan(2048);
    expect(checkTiledOutputSize(model, 3072, 4096, wasm, true).fits).toBe(true);
    const over = checkTiledOutputSize(model, 3072, 4112, wasm, true);
    expect(over).toMatchObject({ fits: false, largestLongSide: TILED_MAX_LONG_SIDE });
    // Sizes that fit untiled stay untiled.
    expect(checkTiledOutputSize(model, 512, 512, wasm, true)).toMatchObject({
      fits: true,
      tiled: false,
    });
  });

  it('settings that cannot tile keep the untiled verdict; a small budget refuses even tiles', () => {
    const untiled = checkTiledOutputSize(model, 1365, 2048, wasm, false);
    expect(untiled.fits).toBe(false);
    expect(untiled.tiled).toBe(false);
    const tiny = { budgetBytes: 300e6, maxTextureSize: null };
    const v = checkTiledOutputSize(model, 1365, 2048, tiny, true);
    expect(v.fits).toBe(false);
    if (!v.fits) {
      expect(v.reason).toMatch(/even in tiles/);
      expect(v.largestLongSide).toBeGreaterThan(0);
      expect(v.largestLongSide).toBeLessThan(2048);
    }
  });
});
