import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_LAYERS, type ConvLayerName } from '../../model/topology';
import { toTensors, disposeWeights, type RawVgg16Weights } from '../../model/weights';
import { randomWeights, seededArray } from '../testing';
import { toCaffe } from '../preprocess';
import { extractFeatures } from '../vgg16';
import { searchTopK } from './topNine';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Weights up to `upTo` where unit 0 of every layer copies unit 0 of the layer before at the same
 * place (centre tap 1, all else 0): unit 0 of block1_conv1 is the caffe blue channel, and deeper
 * it is that channel max-pooled. Every other unit is 0.
 */
function centreTapWeights(upTo: ConvLayerName): RawVgg16Weights {
  const raw: RawVgg16Weights = {};
  for (const spec of CONV_LAYERS) {
    const kernel = new Float32Array(9 * spec.inChannels * spec.outChannels);
    kernel[4 * spec.inChannels * spec.outChannels] = 1; // [1, 1, 0, 0] in HWIO
    raw[spec.name] = { kernel, bias: new Float32Array(spec.outChannels) };
    if (spec.name === upTo) break;
  }
  return raw;
}

/** A size x size RGB image, blue 0 everywhere (caffe blue < 0: no activation) but one spot. */
function spotImage(size: number, y: number, x: number, blue: number): tf.Tensor3D {
  const data = new Float32Array(size * size * 3);
  data[(y * size + x) * 3 + 2] = blue;
  return tf.tensor3d(data, [size, size, 3]);
}

describe('top-nine search', () => {
  it('finds the location known to give a unit its maximum, and crops its receptive field (borders too)', async () => {
    const weights = toTensors(centreTapWeights('block2_conv1'));
    // Image 0: a spot inside; image 1: a brighter spot on the top-right corner.
    const spots = [
      { y: 13, x: 20, blue: 200 },
      { y: 0, x: 31, blue: 255 },
    ];
    const result = await searchTopK(weights, 'block2_conv1', 2, (i) =>
      spotImage(32, spots[i].y, spots[i].x, spots[i].blue),
    );
    disposeWeights(weights);
    expect(result.field).toEqual({ size: 10, jump: 2, start: 1 });
    const [first, second] = result.units[0];
    // block2_conv1 sees the blue channel after one 2x2 pool: the spot (0, 31) is unit (0, 15).
    expect(first).toMatchObject({ image: 1, row: 0, col: 15 });
    expect(first.value).toBeCloseTo(255 - 103.939, 3);
    // Centre (1, 31): a 10 px field from row -4 and column 26, clipped to the 32 px image.
    expect(first.bounds).toEqual({ top: 0, left: 26, bottom: 6, right: 32 });
    // The spot (13, 20) is unit (6, 10), centre (13, 21): rows 8..18, columns 16..26, unclipped.
    expect(second).toMatchObject({ image: 0, row: 6, col: 10 });
    expect(second.value).toBeCloseTo(200 - 103.939, 3);
    expect(second.bounds).toEqual({ top: 8, left: 16, bottom: 18, right: 26 });
  });

  it('on block1_conv1 the patch is the 3x3 field around the spot, clipped at the bottom-right corner', async () => {
    const weights = toTensors(centreTapWeights('block1_conv1'));
    const result = await searchTopK(weights, 'block1_conv1', 1, () => spotImage(16, 15, 15, 255));
    disposeWeights(weights);
    expect(result.units[0][0]).toMatchObject({
      image: 0,
      row: 15,
      col: 15,
      bounds: { top: 14, left: 14, bottom: 16, right: 16 },
    });
  });

  it('gives each unit the nine largest activations of the pool, each from a different location', async () => {
    const layer = 'block1_conv2';
    const weights = randomWeights(layer, 7);
    const size = 12;
    const makeImage = (i: number) =>
      tf.tensor3d(seededArray(size * size * 3, 100 + i, 0, 255), [size, size, 3]);
    const before = tf.memory().numTensors;
    const result = await searchTopK(weights, layer, 3, makeImage);
    expect(tf.memory().numTensors).toBe(before);

    // Brute force: every activation of every image, per unit, sorted.
    const maps = [0, 1, 2].map((i) => {
      const img = makeImage(i);
      const act = tf.tidy(() => extractFeatures(weights, toCaffe(img), [layer])[layer]);
      const data = act.dataSync().slice();
      img.dispose();
      act.dispose();
      return data;
    });
    disposeWeights(weights);
    const channels = 64;
    expect(result.units).toHaveLength(channels);
    for (let u = 0; u < channels; u++) {
      const all: number[] = [];
      for (const m of maps) for (let p = 0; p < size * size; p++) all.push(m[p * channels + u]);
      all.sort((a, b) => b - a);
      const hits = result.units[u];
      expect(hits.map((h) => h.value)).toEqual(all.slice(0, 9));
      // Each hit's value is the activation at its own location, and no location repeats.
      for (const h of hits) {
        expect(maps[h.image][(h.row * size + h.col) * channels + u]).toBe(h.value);
      }
      const where = new Set(hits.map((h) => `${h.image}:${h.row}:${h.col}`));
      expect(where.size).toBe(9);
    }
  });
});
