/**
 * Part C (`--multiscale`): coarse-to-fine against single-scale at the same final size and the same
 * wall-clock budget. The coarse-to-fine run takes its planned iterations; the single-scale run then
 * steps at the final size until it has used as much time. Both report J at the final size (same
 * content, style and targets there), so the lower J is the better use of the time.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { StagedRun } from '../../src/engine/stages';
import { disposeWeights, toTensors, type RawVgg16Weights } from '../../src/model/weights';
import { useBackend, type NodeBackend } from './node';
import { problemImages } from './inputs';

export interface ScaleRunResult {
  iterations: number;
  seconds: number;
  /** J at the final size after the last iteration. */
  finalJ: number;
}

export interface MultiscaleResult {
  backend: NodeBackend;
  size: number;
  /** Long side and iterations of each coarse-to-fine stage. */
  stages: { longSide: number; iterations: number }[];
  multiscale: ScaleRunResult;
  singleScale: ScaleRunResult;
}

export async function multiscaleVsSingle(
  raw: RawVgg16Weights,
  backend: NodeBackend,
  size: number,
  iterations: number,
  log: (line: string) => void,
): Promise<MultiscaleResult> {
  await useBackend(backend);
  const weights = toTensors(raw);
  const { content, style } = problemImages(size);
  try {
    const go = async (multiscale: boolean, budgetMs: number | null) => {
      const t0 = performance.now();
      const run = new StagedRun(
        weights,
        content,
        style,
        { ...DEFAULT_SETTINGS, multiscale },
        iterations,
      );
      const stages = run.stages.map((s) => ({ longSide: s.longSide, iterations: s.iterations }));
      let n = 0;
      const more = () => (budgetMs === null ? n < iterations : performance.now() - t0 < budgetMs);
      while (more()) {
        (await run.step()).image.dispose();
        n++;
      }
      const seconds = (performance.now() - t0) / 1000;
      const finalJ = (await run.evaluate()).total;
      run.dispose();
      return { stages, result: { iterations: n, seconds, finalJ } };
    };
    const multi = await go(true, null);
    log(
      `multiscale ${size} px: ${multi.result.iterations} iterations in ` +
        `${multi.result.seconds.toFixed(1)} s, J ${multi.result.finalJ.toExponential(4)}`,
    );
    const single = await go(false, multi.result.seconds * 1000);
    log(
      `single-scale ${size} px: ${single.result.iterations} iterations in ` +
        `${single.result.seconds.toFixed(1)} s, J ${single.result.finalJ.toExponential(4)}`,
    );
    return {
      backend,
      size,
      stages: multi.stages,
      multiscale: multi.result,
      singleScale: single.result,
    };
  } finally {
    tf.dispose([content, style]);
    disposeWeights(weights);
  }
}
