/**
 * Seeded random VGG16 weights (He-normal kernels, zero biases): the "untrained demo/test model".
 * Same seed, same numbers, on every machine: the PRNG and the normal draw are written out here
 * rather than taken from Math.random or tfjs so the bytes never depend on a library version.
 */
import { CONV_LAYERS, type ConvLayerName, CONV_LAYER_NAMES } from './topology';
import type { RawVgg16Weights } from './weights';

/** mulberry32: a small, fast, well-mixed 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `out` with N(0, std^2) draws (Box-Muller, both outputs used). */
export function fillNormal(out: Float32Array, std: number, rand: () => number): void {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - rand(); // (0, 1]: log stays finite
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
}

/**
 * He-normal (std = sqrt(2 / fan_in), fan_in = 3*3*in) kernels and zero biases for every conv layer
 * up to `upTo` (default: the whole network). Each layer has its own seed derived from `seed` so a
 * prefix of the network has the same weights whatever `upTo` is.
 */
export function randomVgg16Weights(
  seed: number,
  upTo: ConvLayerName = 'block5_conv3',
): RawVgg16Weights {
  const last = CONV_LAYER_NAMES.indexOf(upTo);
  const out: RawVgg16Weights = {};
  CONV_LAYERS.forEach((spec, i) => {
    if (i > last) return;
    const kernel = new Float32Array(9 * spec.inChannels * spec.outChannels);
    fillNormal(kernel, Math.sqrt(2 / (9 * spec.inChannels)), mulberry32(seed * 1000 + i + 1));
    out[spec.name] = { kernel, bias: new Float32Array(spec.outChannels) };
  });
  return out;
}
