import { describe, expect, it } from 'vitest';
import { sizeRefusal } from './sizeRefusal';

const limit = (largestLongSide: number | null) => ({
  fitLimit: { backend: 'wasm' as const, key: 'k', largestLongSide },
});

describe("Start's size check", () => {
  it('refuses above the largest size that fits on the run backend, naming it', () => {
    const why = sizeRefusal(limit(848), 'wasm', 1024, { width: 1024, height: 768 });
    expect(why).toContain('largest that fits is 848 px');
    expect(why).toContain('kept');
    expect(sizeRefusal(limit(848), 'wasm', 848, { width: 848, height: 636 })).toBeNull();
  });

  it('says nothing without a limit for that backend', () => {
    expect(sizeRefusal(limit(null), 'wasm', 2048, { width: 2048, height: 1536 })).toBeNull();
    expect(sizeRefusal(limit(848), 'webgl', 1024, { width: 1024, height: 768 })).toBeNull();
    expect(sizeRefusal({ fitLimit: null }, 'wasm', 2048, { width: 2048, height: 1536 })).toBeNull();
  });
});
