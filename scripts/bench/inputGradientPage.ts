/**
 * The engine's conv input gradient against tfjs' Conv2DBackpropInput on a browser backend (webgl:
 * Node has none), in the bench page's own thread: the same engine code and tfjs backend the style
 * worker runs, without its weights or images. Driven by e2e/inputGradient.spec.ts through
 * window.__inputGradientCheck (bench.html?inputGradientCheck).
 */
import * as tf from '@tensorflow/tfjs';
import {
  CHECKED_LAYERS,
  compareInputGradients,
  gradientCheckWeights,
  type GradientComparison,
} from '../../src/engine/inputGradientCheck';
import type { ConvLayerName } from '../../src/model/topology';
import { disposeWeights } from '../../src/model/weights';

export interface InputGradientCheck {
  backend: string;
  results: GradientComparison[];
  /** Tensors left behind by the whole check (should be 0). */
  leakedTensors: number;
  /** webgl renders to float32 textures (false on GPUs that tfjs runs at half precision). */
  float32: boolean;
}

export async function checkInputGradient(
  backend: string,
  sizes: [number, number][],
  layers: readonly ConvLayerName[] = CHECKED_LAYERS,
): Promise<InputGradientCheck> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not start`);
  await tf.ready();
  const before = tf.memory().numTensors;
  const weights = gradientCheckWeights();
  let results: GradientComparison[];
  try {
    results = sizes.map(([h, w]) => compareInputGradients(weights, h, w, layers));
  } finally {
    disposeWeights(weights);
  }
  return {
    backend: tf.getBackend(),
    results,
    leakedTensors: tf.memory().numTensors - before,
    float32: backend !== 'webgl' || tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
  };
}
