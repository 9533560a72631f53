import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAFFE_MEAN_BGR } from '../model/topology';
import { fromCaffe, resizeToCover, toCaffe } from './preprocess';
import { seededArray } from './testing';

describe('caffe preprocessing', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('turns RGB into BGR minus the ImageNet mean, with a batch dim', () => {
    const img = tf.tensor3d([10, 20, 30, 200, 100, 0], [1, 2, 3]);
    const x = toCaffe(img);
    expect(x.shape).toEqual([1, 1, 2, 3]);
    const [b, g, r] = CAFFE_MEAN_BGR;
    const got = Array.from(x.dataSync());
    const want = [30 - b, 20 - g, 10 - r, 0 - b, 100 - g, 200 - r];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    tf.dispose([img, x]);
  });

  it('fromCaffe inverts toCaffe', () => {
    const data = seededArray(6 * 5 * 3, 3, 0, 255);
    const img = tf.tensor3d(data, [6, 5, 3]);
    const back = fromCaffe(toCaffe(img));
    expect(back.shape).toEqual([6, 5, 3]);
    const maxErr = tf.tidy(() => tf.max(tf.abs(tf.sub(back, img))).dataSync()[0]);
    expect(maxErr).toBeLessThan(1e-4);
    tf.dispose([img, back]);
  });
});

describe('resizeToCover', () => {
  it('scales to cover and crops the centre, keeping the aspect ratio', () => {
    // 20x40: left half black, right half white. Covering 16x16 scales to 16x32 and keeps
    // columns 8..24, so the crop is half black, half white (one blurred column at most).
    const H = 20;
    const W = 40;
    const data = new Float32Array(H * W * 3);
    for (let i = 0; i < H; i++)
      for (let j = W / 2; j < W; j++) data.fill(255, (i * W + j) * 3, (i * W + j) * 3 + 3);
    const img = tf.tensor3d(data, [H, W, 3]);
    const out = resizeToCover(img, 16, 16);
    expect(out.shape).toEqual([16, 16, 3]);
    const px = out.arraySync();
    expect(px[8][0][0]).toBeCloseTo(0, 3);
    expect(px[8][6][1]).toBeCloseTo(0, 3);
    expect(px[8][9][2]).toBeCloseTo(255, 3);
    expect(px[8][15][0]).toBeCloseTo(255, 3);
    tf.dispose([img, out]);
  });

  it('portrait to landscape, and same size is a copy', () => {
    const img = tf.tensor3d(seededArray(30 * 10 * 3, 5, 0, 255), [30, 10, 3]);
    const out = resizeToCover(img, 8, 24);
    expect(out.shape).toEqual([8, 24, 3]);
    const same = resizeToCover(img, 30, 10);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(same, img))).dataSync()[0])).toBe(0);
    expect(() => resizeToCover(img, 0, 4)).toThrow(/positive integers/);
    tf.dispose([img, out, same]);
  });
});
