import { describe, expect, it } from 'vitest';
import { setWebmDuration } from './timelapse';

describe('the time-lapse WebM', () => {
  it('sets the header Duration to the whole length (webm-muxer wrote the last frame’s start)', () => {
    // EBML header bytes, then Segment Info's Duration as webm-muxer writes it: 0x4489, size 8.
    const webm = new Uint8Array([
      0x1a,
      0x45,
      0xdf,
      0xa3,
      0x44,
      0x89,
      0x88,
      ...new Uint8Array(8),
      0,
    ]);
    new DataView(webm.buffer).setFloat64(7, 2750);
    setWebmDuration(webm, 12 * 250);
    expect(new DataView(webm.buffer).getFloat64(7)).toBe(3000);
    expect(() => setWebmDuration(new Uint8Array(32), 3000)).toThrow(/no Duration/);
  });
});
