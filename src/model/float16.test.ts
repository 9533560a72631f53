import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  decodeFloat16,
  encodeFloat16,
  float16BitsToFloat32,
  float32ToFloat16Bits,
} from './float16';

describe('float16', () => {
  it('encodes known values to their IEEE half bit patterns', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0.5)).toBe(0x3800);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00); // overflow -> +Inf
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(float32ToFloat16Bits(1 / 3)).toBe(0x3555);
    // Ties go to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('round-trips every finite half exactly and decodes like tfjs', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const finite = bits.filter((h) => ((h >> 10) & 0x1f) !== 0x1f);
    const decoded = decodeFloat16(finite);
    expect(Array.from(encodeFloat16(decoded))).toEqual(Array.from(finite));
    // tfjs' own float16 decoder (used by tf.loadLayersModel) reads the same numbers.
    const t = tf.io.decodeWeights(finite.buffer, [
      { name: 'w', shape: [finite.length], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]).w;
    expect(Array.from(t.dataSync())).toEqual(Array.from(decoded));
    t.dispose();
  });

  it('keeps relative error under 2^-11 for normal values', () => {
    let worst = 0;
    for (let i = 0; i < 10000; i++) {
      const v = (Math.random() < 0.5 ? -1 : 1) * 10 ** (Math.random() * 7 - 3); // normal range
      const back = float16BitsToFloat32(float32ToFloat16Bits(v));
      worst = Math.max(worst, Math.abs(back - v) / Math.abs(v));
    }
    expect(worst).toBeLessThanOrEqual(2 ** -11);
    expect(worst).toBeGreaterThan(2 ** -13);
  });
});
