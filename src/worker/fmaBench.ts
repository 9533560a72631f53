/**
 * The bench worker's micro-kernel table (issue 24): the FMA conv's builds on 1 and 2 threads
 * against tfjs-wasm on its own pool, in this worker. Loaded by ./bench.ts only when asked.
 */
import { activeThreads } from './backend';
import { startFma } from './fma';
import { kernelTable, type KernelTable } from './fmaKernels';

/** Best of 3 per figure; the kernels stay started (the product's is among them). */
export function workerKernelTable(size: number): Promise<KernelTable> {
  return kernelTable(
    size,
    3,
    (variant, threads) => startFma(threads, variant),
    activeThreads(),
    true,
  );
}
