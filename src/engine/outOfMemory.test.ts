import { describe, expect, it } from 'vitest';
import { estimatePeakBytes, type MemoryModel } from './memoryEstimate';
import { OOM_HEADROOM, sizeAfterOutOfMemory } from './outOfMemory';

// 50 MiB fixed, 20 KiB per pixel: 128 x 96 needs ~290 MiB, 1024 x 768 ~15 GiB.
const MODEL: MemoryModel = { fixedBytes: 50 * 2 ** 20, bytesPerPixel: 20 * 2 ** 10, samples: [] };

describe('the size suggested after running out of memory', () => {
  it('is the largest long side within the headroom, same aspect ratio', () => {
    const s = sizeAfterOutOfMemory(MODEL, 768, 1024, null);
    expect(s.failedBytes).toBe(estimatePeakBytes(MODEL, 768, 1024));
    expect(s.longSide % 16).toBe(0);
    expect(s.longSide).toBeLessThan(1024);
    const at = (long: number) => estimatePeakBytes(MODEL, (long * 3) / 4, long);
    expect(at(s.longSide)).toBeLessThanOrEqual(OOM_HEADROOM * s.failedBytes);
    expect(at(s.longSide + 16)).toBeGreaterThan(OOM_HEADROOM * s.failedBytes);
  });

  it('respects the WebGL texture limit, and says 0 when even 64 px is too much', () => {
    expect(sizeAfterOutOfMemory(MODEL, 768, 1024, 256).longSide).toBeLessThanOrEqual(256);
    const huge: MemoryModel = { fixedBytes: 2 ** 40, bytesPerPixel: 1, samples: [] };
    expect(sizeAfterOutOfMemory(huge, 96, 128, null).longSide).toBe(0);
  });
});
