/**
 * The valid files the fuzzers mutate, small so that a mutation usually lands in structure rather
 * than pixel data. JPEG and WebP come from Chromium's encoders (committed, 154–897 bytes: nothing
 * in Node encodes them); PNG, GIF and .h5 are made here with pngjs, the GIF fixture writer and
 * the Keras .h5 writer. Node only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { twoFrameGif, withExifOrientation } from '../../e2e/fixtures/makeImages';
import { kerasLayersFromRaw, writeKerasH5 } from '../../src/model/writeKerasH5';
import { randomVgg16Weights } from '../../src/model/randomWeights';
import type { FuzzKind, Seed } from './mutate';

const SEEDS_DIR = join(import.meta.dirname, 'seed-files');

const file = (name: string): Seed => ({
  name,
  bytes: new Uint8Array(readFileSync(join(SEEDS_DIR, name))),
});

function png(w: number, h: number, colorType: 2 | 6, name: string): Seed {
  const img = new PNG({ width: w, height: h, colorType, inputHasAlpha: true });
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37) & 0xff;
  return { name, bytes: new Uint8Array(PNG.sync.write(img, { colorType })) };
}

/** The layer the .h5 seeds hold and the converter is asked for: a 10 KB file. */
export const H5_FUZZ_LAYER = 'block1_conv1';

export async function fuzzSeeds(kind: FuzzKind): Promise<Seed[]> {
  switch (kind) {
    case 'png':
      return [png(24, 16, 6, 'rgba.png'), png(20, 18, 2, 'rgb.png')];
    case 'jpeg': {
      const jpg = file('photo.jpg');
      const exif = withExifOrientation(Buffer.from(jpg.bytes), 6);
      return [jpg, { name: 'photo-exif6.jpg', bytes: new Uint8Array(exif) }];
    }
    case 'gif':
      return [{ name: 'two-frames.gif', bytes: new Uint8Array(twoFrameGif(20, 16)) }];
    case 'webp':
      return [file('lossy.webp'), file('lossless.webp'), file('alpha.webp')];
    case 'h5': {
      const raw = randomVgg16Weights(3, H5_FUZZ_LAYER);
      return [{ name: 'block1_conv1.h5', bytes: await writeKerasH5(kerasLayersFromRaw(raw)) }];
    }
  }
}
