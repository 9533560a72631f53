/**
 * block1_conv1's kernels as pictures (the notes' first-layer visualisation): the layer looks at
 * caffe input (BGR), so each kernel's input channels are put back in RGB order, then every kernel
 * is contrast-stretched on its own to 0..1 (a kernel's sign and scale carry no colour meaning).
 */

export interface FilterImages {
  count: number;
  /** Kernel side (3 for VGG16). */
  size: number;
  /** [count][size][size][RGB], each value in 0..1. */
  rgb: Float32Array;
}

/**
 * `kernel` is block1_conv1's [kh, kw, 3, out] HWIO array (Keras/tfjs layout), input channels BGR.
 * A constant kernel (max = min) becomes mid-grey.
 */
export function firstLayerFilterImages(
  kernel: Float32Array,
  size = 3,
  inChannels = 3,
): FilterImages {
  if (inChannels !== 3)
    throw new Error(`first-layer filters: expected 3 input channels, got ${inChannels}`);
  const perOut = size * size * inChannels;
  if (kernel.length % perOut !== 0) {
    throw new Error(
      `first-layer filters: ${kernel.length} values is not a whole number of ${size}x${size}x3 kernels`,
    );
  }
  const count = kernel.length / perOut;
  const rgb = new Float32Array(count * perOut);
  for (let f = 0; f < count; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) {
        const v = kernel[(p * 3 + c) * count + f];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const span = hi - lo;
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) {
        // RGB channel c reads BGR channel 2 - c.
        const v = kernel[(p * 3 + (2 - c)) * count + f];
        rgb[f * perOut + p * 3 + c] = span > 0 ? (v - lo) / span : 0.5;
      }
    }
  }
  return { count, size, rgb };
}
