import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import * as pngText from 'png-chunk-text';
import { APP_VERSION, embedRunRecord, readRunRecord, type PngRunRecord } from './pngSettings';
import { DEFAULT_SETTINGS } from '../../worker/protocol';

function smallPng(): Uint8Array {
  const png = new PNG({ width: 5, height: 3 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) % 256;
  return new Uint8Array(PNG.sync.write(png));
}

const RECORD: PngRunRecord = {
  appVersion: APP_VERSION,
  iteration: 137,
  weights: 'demo',
  settings: {
    ...DEFAULT_SETTINGS,
    alpha: 25.7,
    beta: 4000,
    optimizer: 'lbfgs',
    contentLayer: 'block2_conv2',
    styleLayers: [
      { name: 'block1_conv1', weight: 0.5 },
      { name: 'block3_conv3', weight: 1e-3 },
    ],
    init: 'noise',
    seed: 7,
    colourMode: 'luminance',
    styleBlend: [1, 0.5],
    styleScale: 1.5,
    multiscale: false,
  },
  outputLongSide: 96,
  maxIterations: 300,
};

describe('settings in the PNG', () => {
  it('round-trips every field and leaves the image decodable with the same pixels', () => {
    const plain = smallPng();
    const tagged = embedRunRecord(plain, RECORD);
    expect(readRunRecord(tagged)).toEqual(RECORD);
    const a = PNG.sync.read(Buffer.from(plain));
    const b = PNG.sync.read(Buffer.from(tagged));
    expect([b.width, b.height]).toEqual([5, 3]);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes one tEXt chunk before IEND, replacing an older one', () => {
    const twice = embedRunRecord(embedRunRecord(smallPng(), RECORD), { ...RECORD, iteration: 9 });
    const names = extractChunks(twice).map((c) => c.name);
    expect(names.filter((n) => n === 'tEXt')).toHaveLength(1);
    expect(names.at(-1)).toBe('IEND');
    expect(names.at(-2)).toBe('tEXt');
    expect(readRunRecord(twice)?.iteration).toBe(9);
  });

  it('keeps non-Latin-1 text intact as JSON escapes', () => {
    const odd = { ...RECORD, appVersion: '1.0.0-βeta✓' };
    expect(readRunRecord(embedRunRecord(smallPng(), odd))?.appVersion).toBe('1.0.0-βeta✓');
  });

  it('fills settings a file from an older build lacks with the defaults', () => {
    const chunks = extractChunks(smallPng());
    const old = JSON.parse(JSON.stringify(RECORD));
    delete old.settings.colourMode;
    delete old.settings.styleBlend;
    chunks.splice(-1, 0, pngText.encode('style-transfer', JSON.stringify(old)));
    const read = readRunRecord(encodeChunks(chunks));
    expect(read?.settings.colourMode).toBe(DEFAULT_SETTINGS.colourMode);
    expect(read?.settings.styleBlend).toEqual(DEFAULT_SETTINGS.styleBlend);
    expect(read?.settings.alpha).toBe(25.7);
  });

  it('says null for a PNG without settings or a file that is not a PNG', () => {
    expect(readRunRecord(smallPng())).toBeNull();
    expect(readRunRecord(new TextEncoder().encode('not a png at all'))).toBeNull();
  });

  it('refuses a settings chunk with junk instead of restoring it', () => {
    const withText = (text: string) => {
      const chunks = extractChunks(smallPng());
      chunks.splice(-1, 0, pngText.encode('style-transfer', text));
      return encodeChunks(chunks);
    };
    expect(() => readRunRecord(withText('{nope'))).toThrow(/not valid JSON/);
    const bad = JSON.parse(JSON.stringify(RECORD));
    bad.settings.contentLayer = 'block9_conv9';
    expect(() => readRunRecord(withText(JSON.stringify(bad)))).toThrow(/unknown content layer/);
    bad.settings.contentLayer = 'block1_conv1';
    bad.settings.alpha = -1;
    expect(() => readRunRecord(withText(JSON.stringify(bad)))).toThrow(/invalid alpha/);
  });

  it('refuses a settings chunk whose CRC does not match, with a message', () => {
    const tagged = embedRunRecord(smallPng(), RECORD);
    // One bit of the JSON flipped in place: the chunk reads as text still, its CRC no longer holds.
    const at = Buffer.from(tagged).indexOf('"iteration":137') + 13;
    const damaged = tagged.slice();
    damaged[at] ^= 0x01;
    expect(() => readRunRecord(damaged)).toThrow(/settings chunk is damaged/);
  });

  it('still reads intact settings when another chunk is damaged, and none from a file cut short', () => {
    const tagged = embedRunRecord(smallPng(), RECORD);
    const idat = Buffer.from(tagged).indexOf('IDAT');
    const damaged = tagged.slice();
    damaged[idat + 6] ^= 0xff;
    expect(readRunRecord(damaged)).toEqual(RECORD);
    const settingsAt = Buffer.from(tagged).indexOf('tEXt');
    expect(readRunRecord(tagged.subarray(0, settingsAt + 20))).toBeNull();
  });
});
