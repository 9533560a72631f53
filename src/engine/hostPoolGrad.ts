/**
 * VGG16's 2x2, stride 2, 'valid' max pool with its gradient computed over read-back arrays
 * (issue 24). tfjs-wasm's MaxPoolGrad is a scalar loop about 50x slower than its MaxPool
 * (scripts/bench, part G's step profile: the pools were 7% of a 256 px step), while one pass here
 * costs three copies and one loop. Only for backends whose reads are plain memory copies (wasm,
 * cpu): the engine uses it in mode 'fma', which runs on wasm only.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * dx of the pool: each window's dy goes to the last of its largest inputs in row-major order, as
 * tfjs-wasm's MaxPoolGrad does (tfjs' cpu backend takes the first; they differ only on ties).
 * tfjs-wasm also drops the gradient of a window with no positive input; here its last input takes
 * it. Where the pool follows a ReLU, as in VGG16, such a window is all zeros, and the ReLU's mask
 * below zeroes that gradient either way. Rows and columns past the last whole window get 0.
 */
export function maxPool2x2Grad(
  x: Float32Array,
  dy: Float32Array,
  h: number,
  w: number,
  c: number,
): Float32Array {
  const oh = h >> 1;
  const ow = w >> 1;
  const dx = new Float32Array(h * w * c);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const i00 = (2 * oy * w + 2 * ox) * c;
      const i01 = i00 + c;
      const i10 = i00 + w * c;
      const i11 = i10 + c;
      const o = (oy * ow + ox) * c;
      for (let ch = 0; ch < c; ch++) {
        // Unrolled: this loop runs once per pooled value (4M at 256 px).
        let best = -Infinity;
        let at = -1;
        let v = x[i00 + ch];
        if (v >= best) {
          best = v;
          at = i00 + ch;
        }
        v = x[i01 + ch];
        if (v >= best) {
          best = v;
          at = i01 + ch;
        }
        v = x[i10 + ch];
        if (v >= best) {
          best = v;
          at = i10 + ch;
        }
        if (x[i11 + ch] >= best) at = i11 + ch;
        if (at >= 0) dx[at] = dy[o + ch];
      }
    }
  }
  return dx;
}

/** tf.maxPool(x, 2, 2, 'valid') of one image, its gradient by maxPool2x2Grad. */
export const maxPool2x2HostGrad = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor4D;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.maxPool(x, 2, 2, 'valid'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const input = saved[0] as tf.Tensor4D;
      const [, h, w, c] = input.shape;
      const dx = maxPool2x2Grad(
        input.dataSync() as Float32Array,
        dy.dataSync() as Float32Array,
        h,
        w,
        c,
      );
      return tf.tensor4d(dx, input.shape);
    },
  };
}) as (x: tf.Tensor4D) => tf.Tensor4D;
