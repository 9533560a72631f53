import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../worker/protocol';
import { liveDiff } from './liveSettings';

describe('liveDiff', () => {
  it('sends only the live settings that changed', () => {
    const next = { ...DEFAULT_SETTINGS, beta: 400, tvWeight: 0.01 };
    expect(liveDiff(DEFAULT_SETTINGS, next)).toEqual({ beta: 400, tvWeight: 0.01 });
  });
  it('sends the whole style layer list when one weight moves', () => {
    const styleLayers = DEFAULT_SETTINGS.styleLayers.map((l, i) =>
      i === 1 ? { ...l, weight: 0.7 } : l,
    );
    const patch = liveDiff(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, styleLayers });
    expect(patch?.styleLayers?.[1]).toEqual({ name: 'block2_conv1', weight: 0.7 });
    expect(Object.keys(patch ?? {})).toEqual(['styleLayers']);
  });
  it('ignores start-only settings (seed, init, noise)', () => {
    expect(
      liveDiff(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, seed: 7, init: 'noise', noiseRatio: 0.5 }),
    ).toBeNull();
  });
});
