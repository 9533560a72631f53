import { describe, expect, it } from 'vitest';
import { forwardBackwardFlops, forwardFlops, gflops } from './flops';

describe('VGG16 FLOP count', () => {
  it('counts block1_conv1 alone as 2·H·W·3·64·9', () => {
    expect(forwardFlops(128, 128, 'block1_conv1')).toBe(2 * 128 * 128 * 3 * 64 * 9);
  });

  it('gives 18.8 GFLOP for forward+backward to block5_conv1 at 128 px (issue #9)', () => {
    expect(forwardBackwardFlops(128, 128, 'block5_conv1') / 1e9).toBeCloseTo(18.84, 2);
  });

  it('halves the spatial size at each pool (256 px costs 4x 128 px)', () => {
    expect(forwardFlops(256, 256, 'block5_conv1')).toBe(4 * forwardFlops(128, 128, 'block5_conv1'));
  });

  it('turns FLOPs and milliseconds into GFLOP/s', () => {
    expect(gflops(2e9, 100)).toBeCloseTo(20);
    expect(gflops(2e9, 0)).toBeNaN();
  });
});
