/**
 * The fixed problem every Node measurement uses: the demo VGG16 (seeded random weights, read from
 * public/models/vgg16-demo like the app loads it) and the bundled sample pair, cover-cropped to a
 * square. If the samples are missing, the engine's deterministic synthetic pair stands in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { resizeToCover } from '../../src/engine/preprocess';
import { patternImage } from '../../src/engine/testing';
import { decodeModel, shardPaths, parseModelJson } from '../../src/model/format';
import type { RawVgg16Weights } from '../../src/model/weights';

export const ROOT = join(import.meta.dirname, '..', '..');
const DEMO_DIR = join(ROOT, 'public', 'models', 'vgg16-demo');
export const SAMPLE_CONTENT = join(ROOT, 'public', 'samples', 'hills.png');
export const SAMPLE_STYLE = join(ROOT, 'public', 'samples', 'brush-strokes.png');

export function loadDemoWeights(): RawVgg16Weights {
  const jsonPath = join(DEMO_DIR, 'model.json');
  if (!existsSync(jsonPath)) {
    throw new Error(
      `${jsonPath} is missing: generate the demo model first (node scripts/ensure-test-model.mjs)`,
    );
  }
  const json = parseModelJson(JSON.parse(readFileSync(jsonPath, 'utf8')));
  const shards = shardPaths(json).map((p) => new Uint8Array(readFileSync(join(DEMO_DIR, p))));
  return decodeModel(json, shards);
}

/** A PNG file as RGB 0..255 [H, W, 3] float32 (alpha dropped). */
export function readPng(path: string): tf.Tensor3D {
  const png = PNG.sync.read(readFileSync(path));
  return tf.tidy(() =>
    tf
      .tensor3d(new Uint8Array(png.data), [png.height, png.width, 4], 'int32')
      .slice([0, 0, 0], [-1, -1, 3])
      .toFloat(),
  );
}

export interface ProblemImages {
  content: tf.Tensor3D;
  style: tf.Tensor3D;
  /** Where the pair came from, for the report. */
  source: string;
}

/** Content and style at size x size on the active backend; the caller disposes both. */
export function problemImages(size: number): ProblemImages {
  if (existsSync(SAMPLE_CONTENT) && existsSync(SAMPLE_STYLE)) {
    const cover = (path: string) => {
      const full = readPng(path);
      const out = resizeToCover(full, size, size);
      full.dispose();
      return out;
    };
    return {
      content: cover(SAMPLE_CONTENT),
      style: cover(SAMPLE_STYLE),
      source: 'public/samples/hills.png (content), public/samples/brush-strokes.png (style)',
    };
  }
  return {
    content: patternImage(size, 'content'),
    style: patternImage(size, 'style'),
    source: 'synthetic pattern pair (src/engine/testing.ts patternImage; samples missing)',
  };
}
