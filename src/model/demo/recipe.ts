/**
 * The demo VGG16: untrained, but built so that Gatys style transfer visibly works with it
 * (after He, Wang and Hopcroft 2016 and Ustyuzhaninov et al. 2017, who transfer style and
 * synthesise textures with random networks whose filters and scales are chosen well):
 *  - block1_conv1: a fixed, readable filter bank (filterBank.ts), each +/- pair scaled so that its
 *    response over the calibration images has the standard deviation BLOCK1_GAIN; zero biases;
 *  - every later layer: seeded random orthogonal filters (orthogonal.ts), each output channel
 *    scaled and biased from its response to the calibration images (calibrate.ts): unit variance,
 *    about half positive.
 * Calibration runs layer by layer, each layer measured on the output of the calibrated layers
 * before it. Deterministic for a given seed, calibration set and tfjs backend.
 */
import * as tf from '@tensorflow/tfjs';
import { toCaffe } from '../caffe';
import { decodeFloat16, encodeFloat16 } from '../float16';
import { VGG16_LAYERS } from '../topology';
import type { RawVgg16Weights } from '../weights';
import { block1FilterBank } from './filterBank';
import { channelStats, lsuvScaleAndBias } from './calibrate';
import { randomOrthonormalRows } from './orthogonal';

/** Names this recipe in model.json; scripts/ensure-test-model.mjs regenerates a model without it. */
export const DEMO_RECIPE_NAME = 'demo-vgg16 v2';

/**
 * Standard deviation of each block1_conv1 response over the calibration images. Deeper layers
 * are normalised whatever it is (LSUV divides it out), so it sets only how much block1_conv1's
 * style Gram weighs: that Gram holds the colour statistics (the mean filters) and the edge energy
 * by orientation and colour, and it grows with the gain's 4th power. At gain 1 the content term
 * wins and colours barely move in the default 150 iterations; see README, "Demo weights".
 */
export const BLOCK1_GAIN = 4;

/** What model.json records about how the demo weights were made. */
export interface DemoRecipe {
  name: typeof DEMO_RECIPE_NAME;
  seed: number;
  block1_conv1: {
    filters: 'colour-opponent filter bank';
    /** Output channels in order, e.g. "+L d/d30", "-RG mean". */
    channels: string[];
    scaling: 'per +/- pair: standard deviation `gain` over the calibration images; zero bias';
    gain: number;
  };
  deeperLayers: {
    filters: 'random orthogonal (Gaussian rows, Cholesky QR), seed * 1000 + layer index + 1';
    scaling: 'per channel (LSUV-like): unit variance and zero median of the pre-activation over the calibration images';
  };
  calibration: { images: string[]; size: string; backend: string };
}

export interface CalibrationImage {
  /** Shown in the recipe, e.g. "public/samples/hills.png". */
  name: string;
  /** RGB 0..255 [H, W, 3]; all images the same size. */
  image: tf.Tensor3D;
}

function roundToFloat16(values: Float32Array): Float32Array {
  return decodeFloat16(encodeFloat16(values));
}

/** Keras HWIO kernel [3, 3, in, out] from output-major filters (each 3*3*in long, HWI order). */
function kernelFromFilters(
  filter: (out: number, r: number) => number,
  fanIn: number,
  outChannels: number,
  scale: Float64Array,
): Float32Array {
  const k = new Float32Array(fanIn * outChannels);
  for (let r = 0; r < fanIn; r++) {
    for (let o = 0; o < outChannels; o++) k[r * outChannels + o] = filter(o, r) * scale[o];
  }
  return roundToFloat16(k);
}

export function buildDemoWeights(
  seed: number,
  calibration: readonly CalibrationImage[],
  block1Gain = BLOCK1_GAIN,
): { raw: RawVgg16Weights; recipe: DemoRecipe } {
  if (calibration.length === 0) throw new Error('buildDemoWeights: no calibration images');
  const bank = block1FilterBank();
  const raw: RawVgg16Weights = {};
  let x = tf.tidy(() => tf.concat(calibration.map((c) => toCaffe(c.image))));
  try {
    let convIndex = 0;
    for (const spec of VGG16_LAYERS) {
      if (spec.kind === 'pool') {
        const pooled = tf.maxPool(x, 2, 2, 'valid');
        x.dispose();
        x = pooled;
        continue;
      }
      const i = convIndex++;
      const { inChannels: inC, outChannels: outC } = spec;
      const fanIn = 9 * inC;
      const unitScale = new Float64Array(outC).fill(1);
      let filter: (o: number, r: number) => number;
      if (i === 0) {
        filter = (o, r) => bank[o].weights[r];
      } else {
        const q = randomOrthonormalRows(outC, fanIn, seed * 1000 + i + 1);
        filter = (o, r) => q[o * fanIn + r];
      }
      const z = tf.tidy(() =>
        tf.conv2d(
          x,
          tf.tensor4d(kernelFromFilters(filter, fanIn, outC, unitScale), [3, 3, inC, outC]),
          1,
          'same',
        ),
      );
      const { scale, bias } = lsuvScaleAndBias(channelStats(z.dataSync() as Float32Array, outC));
      if (i === 0) {
        // A pair shares its scale (a filter and its negation have the same spread) and has no bias.
        bias.fill(0);
        for (let o = 0; o < outC; o += 2) scale[o] = scale[o + 1] = scale[o] * block1Gain;
      }
      raw[spec.name] = {
        kernel: kernelFromFilters(filter, fanIn, outC, scale),
        bias: roundToFloat16(Float32Array.from(bias)),
      };
      // The next layer sees this one calibrated (up to the float16 rounding of the stored kernel).
      const next = tf.tidy(() =>
        tf.relu(
          tf.add(
            tf.mul(z, tf.tensor1d(Float32Array.from(scale))),
            tf.tensor1d(raw[spec.name]!.bias),
          ),
        ),
      ) as tf.Tensor4D;
      z.dispose();
      x.dispose();
      x = next;
    }
  } finally {
    x.dispose();
  }
  const [h, w] = calibration[0].image.shape;
  return {
    raw,
    recipe: {
      name: DEMO_RECIPE_NAME,
      seed,
      block1_conv1: {
        filters: 'colour-opponent filter bank',
        channels: bank.map((f) => f.name),
        scaling: 'per +/- pair: standard deviation `gain` over the calibration images; zero bias',
        gain: block1Gain,
      },
      deeperLayers: {
        filters: 'random orthogonal (Gaussian rows, Cholesky QR), seed * 1000 + layer index + 1',
        scaling:
          'per channel (LSUV-like): unit variance and zero median of the pre-activation over the calibration images',
      },
      calibration: {
        images: calibration.map((c) => c.name),
        size: `${h}x${w}`,
        backend: tf.getBackend(),
      },
    },
  };
}
