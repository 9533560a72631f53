import type { OptimizerName } from '../settings';
import { Adam } from './adam';
import { Lbfgs } from './lbfgs';
import type { Box, PixelOptimizer } from './types';

export { Adam, type AdamOptions } from './adam';
export { Lbfgs, type LbfgsOptions } from './lbfgs';
export type {
  Box,
  Evaluation,
  Objective,
  OptimizerState,
  PixelOptimizer,
  StepOutcome,
} from './types';

export function createOptimizer(
  name: OptimizerName,
  learningRate: number,
  box: Box,
): PixelOptimizer {
  switch (name) {
    case 'adam':
      return new Adam({ learningRate }, box);
    case 'lbfgs':
      return new Lbfgs({ learningRate }, box);
    default:
      throw new Error(`unknown optimizer ${String(name satisfies never)}`);
  }
}
