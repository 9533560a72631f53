/**
 * FmaConv under Node: the committed kernels read from disk, helpers as worker_threads. Relaxed
 * SIMD needs `node --experimental-wasm-relaxed-simd` in Node 20 (npm run bench passes it).
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { canRunFma, FmaConv, type FmaVariant } from '../../src/engine/fma/fmaConv';
import { ROOT } from './inputs';

const HELPER = new URL('./fmaHelperNode.ts', import.meta.url).href;

export function fmaBytes(variant: FmaVariant): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(`${ROOT}/src/engine/fma/conv3x3-${variant}.wasm`));
}

/** null where this Node cannot run the kernel (relaxed SIMD needs the flag in Node 20). */
export async function nodeFmaConv(variant: FmaVariant, threads: number): Promise<FmaConv | null> {
  const bytes = fmaBytes(variant);
  if (!canRunFma(bytes)) return null;
  return FmaConv.create(bytes, {
    threads,
    spawn: (init) => {
      // tsx's loader is registered in the worker by hand: an --import in execArgv is not applied
      // to it here. V8 flags (--experimental-wasm-relaxed-simd) are the process's, not per worker.
      const w = new Worker(
        `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(HELPER)}))`,
        { eval: true, workerData: init },
      );
      w.unref();
      return { terminate: () => void w.terminate() };
    },
  });
}
