/**
 * VGG16's convolutional forward pass over tfjs, in Keras' layout (SPEC.md): 3x3 convs, stride 1,
 * 'same' padding, bias, ReLU; 2x2 max pools, stride 2. It runs only as deep as the deepest layer
 * asked for, so a prefix of the weights is enough.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName, deepestLayer, layersUpTo } from '../model/topology';
import type { ConvWeights, Vgg16Weights } from '../model/weights';
import type { ExternalConv, FilterSource } from './externalConv';
import { maxPool2x2HostGrad } from './hostPoolGrad';
import { toCaffe } from './preprocess';

export type { ExternalConv, FilterSource } from './externalConv';

/**
 * How a conv layer runs while gradients are recorded:
 * - 'forward-conv': the forward is one FusedConv2D kernel (conv + bias + ReLU), and the gradient
 *   w.r.t. the input is the forward conv of dy with the flipped kernel (ConvWeights.backpropKernel).
 *   On wasm, tfjs' Conv2DBackpropInput is a plain loop (~2 GFLOP/s) while Conv2D goes through
 *   XNNPACK (~22 GFLOP/s, threaded): this made a whole step ~5x faster (npm run bench).
 * - 'forward-conv-unfused': the same gradient, with the forward as tfjs runs tf.fused.conv2d under
 *   a tape (Conv2D, Add, Relu: three passes over the activation). Only the bench asks for it, to
 *   time the fused forward against it.
 * - 'tfjs': tfjs' own gradient (unfused forward, Conv2DBackpropInput).
 * - 'fma': as 'forward-conv', with both convs run by the conv set by setExternalConv (issue 24's
 *   fused multiply-add kernel, src/engine/fma/) on the layers it takes, 'forward-conv' elsewhere,
 *   and the pools' gradient over read-back arrays (./hostPoolGrad.ts); with no conv set, exactly
 *   'forward-conv'.
 * All give the same numbers (src/engine/vgg16.test.ts); the worker picks per backend.
 */
export type InputGradientMode = 'forward-conv' | 'forward-conv-unfused' | 'tfjs' | 'fma';

let externalConv: ExternalConv | null = null;

/** The conv of mode 'fma' (null: 'fma' runs as 'forward-conv'). */
export function setExternalConv(conv: ExternalConv | null): void {
  externalConv = conv;
}

export function getExternalConv(): ExternalConv | null {
  return externalConv;
}
let inputGradientMode: InputGradientMode = 'forward-conv';

export function setInputGradientMode(mode: InputGradientMode): void {
  inputGradientMode = mode;
}

export function getInputGradientMode(): InputGradientMode {
  return inputGradientMode;
}

/**
 * relu(conv(x, W) + b), 3x3 stride 1 'same'. One fused kernel when no gradient is recorded; under a
 * tape tfjs splits it into Conv2D, Add and Relu so that it can differentiate each.
 */
function fusedConv(x: tf.Tensor4D, w: ConvWeights): tf.Tensor4D {
  return tf.fused.conv2d({
    x,
    filter: w.kernel,
    strides: 1,
    pad: 'same',
    bias: w.bias,
    activation: 'relu',
  });
}

const FUSED_ATTRS: tf.FusedConv2DAttrs = {
  strides: 1,
  pad: 'same',
  dataFormat: 'NHWC',
  dilations: 1,
  dimRoundingMode: 'floor',
  activation: 'relu',
};

/**
 * The FusedConv2D kernel itself, even under a tape: tf.fused.conv2d would split it there. Only for
 * the forward of a custom gradient, where no tape records it (tfjs' kernel depth is > 0).
 */
function fusedConvKernel(x: tf.Tensor4D, w: ConvWeights): tf.Tensor4D {
  return tf
    .engine()
    .runKernel(
      tf.FusedConv2D,
      { x, filter: w.kernel, bias: w.bias },
      FUSED_ATTRS as unknown as tf.NamedAttrMap,
    ) as tf.Tensor4D;
}

/** relu?(conv(x, filter) + bias) by `ext`, from and to tfjs tensors (two copies each way). */
function externalConvOf(
  ext: ExternalConv,
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  relu: boolean,
): tf.Tensor4D {
  const [, h, w, c] = x.shape;
  const n = filter.shape[3];
  // The filter tensor is the key: the weights are constants of a run, packed once.
  const src: FilterSource = {
    key: filter,
    filter: () => filter.dataSync() as Float32Array,
    bias: () => (bias ? (bias.dataSync() as Float32Array) : null),
    live: () => !filter.isDisposed,
  };
  return tf.tensor4d(ext.run(x.dataSync() as Float32Array, h, w, c, src, n, relu), [1, h, w, n]);
}

/** The forward-conv gradient with both convs by `ext`. */
function convByExternal(x: tf.Tensor4D, w: ConvWeights, ext: ExternalConv): tf.Tensor4D {
  const f = tf.customGrad((...args) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = externalConvOf(ext, input, w.kernel, w.bias, true);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() =>
          externalConvOf(
            ext,
            tf.mul(dy, tf.step(saved[0])) as tf.Tensor4D,
            w.backpropKernel,
            null,
            false,
          ),
        ),
    };
  }) as (x: tf.Tensor4D) => tf.Tensor4D;
  return f(x);
}

/**
 * fusedConv with its input gradient as a forward conv: d/dx = conv(dy * relu'(y), flipped W).
 * relu' is read from the output (y > 0 exactly where the pre-activation is), as tfjs does. Only x
 * is differentiated: the weights are constants of the optimisation.
 */
function convWithForwardGrad(x: tf.Tensor4D, w: ConvWeights, fused: boolean): tf.Tensor4D {
  const f = tf.customGrad((...args) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = fused ? fusedConvKernel(input, w) : fusedConv(input, w);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.conv2d(tf.mul(dy, tf.step(saved[0])) as tf.Tensor4D, w.backpropKernel, 1, 'same'),
    };
  }) as (x: tf.Tensor4D) => tf.Tensor4D;
  return f(x);
}

/** Throws a clear error unless `weights` holds every conv layer from the input to `deepest`. */
export function assertWeightsFor(weights: Vgg16Weights, deepest: ConvLayerName): void {
  const missing = layersUpTo(deepest)
    .filter((l) => l.kind === 'conv' && !weights[l.name as ConvLayerName])
    .map((l) => l.name);
  if (missing.length > 0) {
    throw new Error(
      `VGG16 weights are missing ${missing.join(', ')}: a forward pass to ${deepest} needs every ` +
        'conv layer up to it',
    );
  }
}

/**
 * Post-ReLU activations [1, h, w, c] of each requested conv layer for a caffe-preprocessed NHWC
 * input (see preprocess.ts). Intermediate tensors are freed; the caller owns the returned ones.
 * Works under tf.grad / tf.valueAndGrad (tfjs keeps its own copies of what backprop needs).
 */
export function extractFeatures<L extends ConvLayerName>(
  weights: Vgg16Weights,
  input: tf.Tensor4D,
  layers: readonly L[],
): Record<L, tf.Tensor4D> {
  if (input.rank !== 4 || input.shape[0] !== 1 || input.shape[3] !== 3) {
    throw new Error(
      `extractFeatures: expected input [1, H, W, 3], got [${input.shape.join(', ')}]`,
    );
  }
  const deepest = deepestLayer(layers);
  assertWeightsFor(weights, deepest);
  const wanted = new Set<ConvLayerName>(layers);
  return tf.tidy(() => {
    const out = {} as Record<L, tf.Tensor4D>;
    let x: tf.Tensor4D = input;
    // With the FMA conv (wasm), the pools' gradient too leaves tfjs-wasm's slow MaxPoolGrad.
    const hostPool = inputGradientMode === 'fma' && externalConv !== null;
    for (const spec of layersUpTo(deepest)) {
      if (spec.kind === 'pool') {
        x = hostPool ? maxPool2x2HostGrad(x) : tf.maxPool(x, 2, 2, 'valid');
        continue;
      }
      // Checked by assertWeightsFor above.
      const w = weights[spec.name]!;
      const ext =
        inputGradientMode === 'fma' && externalConv?.takes(spec.name) ? externalConv : null;
      x = ext
        ? convByExternal(x, w, ext)
        : inputGradientMode === 'tfjs'
          ? fusedConv(x, w)
          : convWithForwardGrad(x, w, inputGradientMode !== 'forward-conv-unfused');
      if (wanted.has(spec.name)) out[spec.name as L] = x;
    }
    return out;
  });
}

/**
 * The network's own cost on an image (RGB 0..255 [H, W, 3]): forward to `deepest` through the
 * caffe preprocessing, and the gradient of sum(activations) back to the pixels. Returns the sum of
 * that gradient, a scalar whose readback waits for the whole pass (benchmarks, backend calibration).
 */
export function forwardBackwardSum(
  weights: Vgg16Weights,
  img: tf.Tensor3D,
  deepest: ConvLayerName,
): tf.Scalar {
  return tf.tidy(() => {
    const grad = tf.grad((x: tf.Tensor) =>
      tf.sum(extractFeatures(weights, toCaffe(x as tf.Tensor3D), [deepest])[deepest]),
    )(img);
    return tf.sum(grad);
  });
}
