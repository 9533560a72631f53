/**
 * Floating-point work of one VGG16 forward + input-backward pass, counted from the layer shapes:
 * each 3x3 'same' conv costs 2·H·W·Cin·Cout·9 forward, and its input gradient (a conv of the
 * same size, flipped kernel) as much again. ReLU, pooling and biases are left out (well under 1%).
 */
import { type ConvLayerName, layersUpTo } from '../../src/model/topology';

/** FLOPs of the forward pass to `deepest` on a height x width image. */
export function forwardFlops(height: number, width: number, deepest: ConvLayerName): number {
  let h = height;
  let w = width;
  let flops = 0;
  for (const l of layersUpTo(deepest)) {
    if (l.kind === 'pool') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    } else {
      flops += 2 * h * w * l.inChannels * l.outChannels * 9;
    }
  }
  return flops;
}

/** Forward plus the input gradient of every conv back to the pixels. */
export function forwardBackwardFlops(height: number, width: number, deepest: ConvLayerName) {
  return 2 * forwardFlops(height, width, deepest);
}

/** GFLOP/s of `flops` done in `ms` (NaN when ms is not a positive number). */
export function gflops(flops: number, ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? flops / ms / 1e6 : NaN;
}
