import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { embedRunRecord, readRunRecord, APP_VERSION } from '../history/pngSettings';
import { DEFAULT_SETTINGS } from '../../worker/protocol';
import {
  coverage,
  decodeRuns,
  encodeRuns,
  floodFill,
  labelsToRgba,
  maskSizeFor,
  rgbaToLabels,
  stroke,
} from './maskOps';
import { embedMask, readMask } from './maskPng';
import type { KeptMask } from './maskStore';

function smallPng(): Uint8Array {
  const png = new PNG({ width: 4, height: 3 });
  png.data.fill(200);
  return new Uint8Array(PNG.sync.write(png));
}

describe('mask editing', () => {
  it('a stroke paints a band of its radius; a fill takes the connected area only', () => {
    const [w, h] = [20, 10];
    const labels = new Uint8Array(w * h);
    // A vertical wall of region 1 splits the map; filling the left with 2 stops at it.
    stroke(labels, w, h, [10.5, -1], [10.5, 11], 1, 1);
    for (let y = 0; y < h; y++) {
      expect(labels[y * w + 10]).toBe(1);
      expect(labels[y * w + 8]).toBe(0);
    }
    // Pixel centres 9.5, 10.5 and 11.5 lie within 1 of x = 10.5: columns 9 to 11.
    expect(floodFill(labels, w, h, 2, 2, 2)).toBe(9 * h);
    expect(labels[5 * w + 15]).toBe(0);
    expect(labels[5 * w + 3]).toBe(2);
    const cov = coverage(labels, 3, 2); // unpainted follows region 3
    expect(cov[1]).toBeCloseTo(0.45, 10);
    expect(cov[0]).toBeCloseTo(0.15, 10);
    expect(cov[0] + cov[1] + cov[2]).toBeCloseTo(1, 10);
    expect(maskSizeFor(4000, 3000)).toEqual([256, 192]);
  });

  it('the PNG form reads back as the same labels, at another size by nearest pixel', () => {
    const [w, h] = [6, 4];
    const labels = Uint8Array.from({ length: w * h }, (_, i) => i % 5);
    const rgba = labelsToRgba(labels, 255);
    expect(Array.from(rgbaToLabels(rgba, w, h, w, h, 4))).toEqual(Array.from(labels));
    // Half size: each pixel takes the source pixel under its centre, (2x + 1, 2y + 1).
    const half = rgbaToLabels(rgba, w, h, 3, 2, 4);
    const want = [0, 1].flatMap((y) => [0, 1, 2].map((x) => labels[(2 * y + 1) * w + 2 * x + 1]));
    expect(Array.from(half)).toEqual(want);
  });

  it('run-length form round-trips and refuses runs that do not fit', () => {
    const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i < 600 ? 1 : i % 3));
    expect(Array.from(decodeRuns(encodeRuns(labels), 1000))).toEqual(Array.from(labels));
    expect(() => decodeRuns(encodeRuns(labels), 999)).toThrow(/do not fit/);
    expect(() => decodeRuns(encodeRuns(labels), 1001)).toThrow(/make 1000 labels/);
  });
});

describe('mask chunk', () => {
  const kept: KeptMask = {
    enabled: true,
    mask: {
      width: 5,
      height: 2,
      labels: Uint8Array.from([0, 1, 1, 2, 3, 3, 3, 0, 0, 2]),
      regions: [{ kind: 'style', style: 1 }, { kind: 'content' }, { kind: 'style', style: 0 }],
      defaultRegion: 1,
    },
  };

  it('rides along the settings chunk and reads back exactly', () => {
    const record = {
      appVersion: APP_VERSION,
      iteration: 3,
      weights: 'demo' as const,
      settings: DEFAULT_SETTINGS,
      outputLongSide: 64,
      maxIterations: 10,
    };
    const png = embedMask(embedRunRecord(smallPng(), record), kept);
    const back = readMask(png)!;
    expect(back.enabled).toBe(true);
    expect({ ...back.mask, labels: Array.from(back.mask.labels) }).toEqual({
      ...kept.mask,
      labels: Array.from(kept.mask.labels),
    });
    expect(readRunRecord(png)?.iteration).toBe(3);
    // Written twice, one chunk: the newer.
    const again = readMask(embedMask(png, { ...kept, enabled: false }))!;
    expect(again.enabled).toBe(false);
    expect(readMask(smallPng())).toBeNull();
  });

  it('a damaged chunk is refused with a reason', () => {
    const bad: KeptMask = { ...kept, mask: { ...kept.mask, defaultRegion: 7 } };
    expect(() => readMask(embedMask(smallPng(), bad))).toThrow(/mask is not valid: defaultRegion/);
  });
});
