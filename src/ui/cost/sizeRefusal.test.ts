import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../engine/settings';
import type { PickedImage } from '../store';
import { fitLimitKey, limitFor } from './fitLimitKey';
import { sizeRefusal } from './sizeRefusal';

const content = { width: 400, height: 300 } as PickedImage;
const state = { content, settings: DEFAULT_SETTINGS };
const limit = (largestLongSide: number | null) => ({
  ...state,
  fitLimit: { backend: 'wasm' as const, key: fitLimitKey(state, 'wasm'), largestLongSide },
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
    const none = { ...state, fitLimit: null };
    expect(sizeRefusal(none, 'wasm', 2048, { width: 2048, height: 1536 })).toBeNull();
  });

  it("says nothing with a limit worked out for another shape (a panorama's is larger)", () => {
    const panorama = { ...limit(848), content: { width: 4000, height: 800 } as PickedImage };
    expect(sizeRefusal(panorama, 'wasm', 1024, { width: 1024, height: 205 })).toBeNull();
  });

  it('a limit worked out for settings that tile does not count once they cannot (brightness only)', () => {
    // Style's colours tile, so every size fits; brightness-only colours have the untiled limit.
    const tiled = limit(null);
    const luminance = {
      ...tiled,
      settings: { ...DEFAULT_SETTINGS, colourMode: 'luminance' as const },
    };
    expect(limitFor(tiled, 'wasm')).not.toBeNull();
    expect(limitFor(luminance, 'wasm')).toBeNull();
    const lbfgs = { ...tiled, settings: { ...DEFAULT_SETTINGS, optimizer: 'lbfgs' as const } };
    expect(limitFor(lbfgs, 'wasm')).toBeNull();
  });
});
