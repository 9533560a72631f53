/**
 * The setup engine tests share: the cpu backend, seeded random weights and images, made before the
 * tests and disposed after them. Kept apart from testing.ts, which the benchmarks import too, so
 * that they do not load vitest.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import type { ConvLayerName } from '../src/model/topology';
import { disposeWeights, type Vgg16Weights } from '../src/model/weights';
import { patternImage, randomWeights } from '../src/engine/testing';

/**
 * Before the tests of the calling file or describe block: the cpu backend, seeded random VGG16
 * weights up to `upTo` and the images `makeImages` returns; after them, all of it disposed.
 * The fields are filled in beforeAll, so read them inside tests only.
 */
export function useCpuInputs<Images extends Record<string, tf.Tensor>>(
  upTo: ConvLayerName,
  makeImages: () => Images,
): { weights: Vgg16Weights } & Images {
  const inputs = {} as { weights: Vgg16Weights } & Images;
  let images: Images;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const weights = randomWeights(upTo);
    images = makeImages();
    Object.assign(inputs, images, { weights });
  });
  afterAll(() => {
    tf.dispose(Object.values(images));
    disposeWeights(inputs.weights);
  });
  return inputs;
}

/** The content and the style pattern at `size` x `size`: the usual pair of a run test. */
export function patternPair(size: number): { content: tf.Tensor3D; style: tf.Tensor3D } {
  return { content: patternImage(size, 'content'), style: patternImage(size, 'style') };
}
