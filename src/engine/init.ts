/**
 * The starting image of a run (RGB 0..255, [H, W, 3]). Noise is uniform and seeded (tfjs' seeded
 * randomUniform draws on the CPU with a seeded PRNG, so the same seed gives the same image).
 *  - 'content+noise': content + U(-a, a), a = noiseRatio * 255, clipped (the course notes' init).
 *  - 'noise': mid-grey 127.5 + U(-a, a), clipped (so noiseRatio 1 is full-range white noise).
 *  - 'content' / 'style': a copy of that image (clipped, like every image the optimiser holds).
 */
import * as tf from '@tensorflow/tfjs';
import type { InitMode } from './settings';

export function initialImage(
  mode: InitMode,
  content: tf.Tensor3D,
  style: tf.Tensor3D,
  noiseRatio: number,
  seed: number,
): tf.Tensor3D {
  const a = noiseRatio * 255;
  const noise = () => tf.randomUniform(content.shape, -a, a, 'float32', seed);
  return tf.tidy((): tf.Tensor3D => {
    switch (mode) {
      case 'content+noise':
        return tf.clipByValue(tf.add(content, noise()), 0, 255) as tf.Tensor3D;
      case 'noise':
        return tf.clipByValue(tf.add(noise(), 127.5), 0, 255) as tf.Tensor3D;
      case 'content':
        return tf.clipByValue(content, 0, 255) as tf.Tensor3D;
      case 'style':
        return tf.clipByValue(style, 0, 255) as tf.Tensor3D;
      default:
        throw new Error(`unknown init mode ${String(mode satisfies never)}`);
    }
  });
}
