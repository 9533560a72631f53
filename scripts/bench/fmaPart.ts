/**
 * Issue 24's part of `npm run bench`: the FMA conv's micro-kernel tables (Node, and the bench
 * worker on the page's threads) and the worker's full step with the old forward (Conv2D, Add, Relu
 * under the tape) against the fused forward and against the FMA path, same rounds, with PyTorch's
 * forward+backward of the same run beside it.
 */
import type { KernelTable } from '../../src/worker/fmaKernels';
import { kernelMarkdown, kernelTable } from '../../src/worker/fmaKernels';
import { stepProfileMarkdown } from '../../src/worker/stepProfile';
import type { BenchMeasurement } from '../../src/worker/bench';
import type { BrowserBackendResult, BrowserPass } from './browser';
import { nodeFmaConv } from './fmaNode';
import { median } from './stats';
import type { TorchOutcome } from './torch';

export interface FmaReport {
  /** null with the reason where this Node has no relaxed SIMD (npm run bench passes the flag). */
  nodeKernels: KernelTable | null;
  nodeKernelsSkipped?: string;
  /** The two worker passes of fmaBrowserPasses, in that order. */
  worker: BrowserBackendResult[];
}

/**
 * Two wasm pages: the FMA path against the old forward (with the kernel table at `kernelSize` on
 * the first size), and the fused forward alone against the old forward.
 */
export function fmaBrowserPasses(
  sizes: number[],
  rounds: number,
  kernelSize: number,
): BrowserPass[] {
  return [
    {
      backend: 'wasm',
      sizes,
      rounds,
      extras: {
        inputGradient: 'fma',
        compareWith: 'forward-conv-unfused',
        fmaKernelSize: kernelSize,
        profileStep: true,
      },
    },
    {
      backend: 'wasm',
      sizes,
      rounds,
      extras: {
        inputGradient: 'forward-conv',
        compareWith: 'forward-conv-unfused',
        profileStep: true,
      },
    },
  ];
}

/** The Node table, single-threaded tfjs-wasm (the backend must be wasm). */
export async function nodeKernels(
  size: number,
  rounds: number,
): Promise<Pick<FmaReport, 'nodeKernels' | 'nodeKernelsSkipped'>> {
  const probe = await nodeFmaConv('relaxed', 1);
  if (!probe) {
    return {
      nodeKernels: null,
      nodeKernelsSkipped: 'this Node runs no relaxed SIMD (node --experimental-wasm-relaxed-simd)',
    };
  }
  probe.dispose();
  return { nodeKernels: await kernelTable(size, rounds, nodeFmaConv, 1) };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const x2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

export function fmaMarkdown(f: FmaReport, torch: TorchOutcome | null): string[] {
  const out: string[] = ['## G. FMA conv (issue 24)', ''];
  out.push(
    'GFLOP/s (2·H·W·9·Cin·Cout per conv, best of the rounds). fma = wasm/conv3x3.c with ' +
      'f32x4.relaxed_madd, simd = the same with mul+add; both include copying in and out of ' +
      'their memory; the filter is packed once (in the warm-up), as the engine does. ' +
      "tfjs = tfjs-wasm's fused conv2d, and its matMul of " +
      'the same im2col GEMM (A random, not built).',
    '',
  );
  if (f.nodeKernels) {
    out.push('Node, tfjs-wasm on 1 thread:', '', ...kernelMarkdown(f.nodeKernels), '');
  } else if (f.nodeKernelsSkipped) {
    out.push(`Node table skipped: ${f.nodeKernelsSkipped}.`, '');
  }
  const table = f.worker[0]?.sizes.find((s) => s.measurement?.fmaKernels)?.measurement?.fmaKernels;
  if (table) {
    out.push(`Bench worker (Chromium), tfjs-wasm on ${table.tfjsThreads} threads:`, '');
    out.push(...(table.relaxedSimd ? kernelMarkdown(table) : ['No relaxed SIMD in this worker.']));
    out.push('');
  }
  const torchMs = (size: number) =>
    torch && 'result' in torch
      ? (torch.result.sizes.find((s) => s.size === size)?.medianMs ?? NaN)
      : NaN;
  const [fmaPass, fusedPass] = f.worker;
  if (!fmaPass) return out;
  out.push(
    "Worker full step (no preview), medians over the same rounds. old = tfjs' kernels with the " +
      "forward as tfjs runs it under a tape (Conv2D, Add, Relu); fused = tfjs' FusedConv2D in " +
      'the forward; fma = both convs of the layers in FMA_LAYERS (src/worker/fma.ts) by the FMA conv. Each pair ' +
      'comes from one page; PyTorch = its forward+backward in the same run.',
    '',
  );
  out.push(
    '| size | threads | old ms | fma ms | old / fma | old ms (2nd page) | fused ms | old / fused | PyTorch ms | fma / PyTorch |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  const pair = (m: BenchMeasurement | undefined) =>
    m ? [median(m.compare?.fullMs ?? []), median(m.fullNoPreviewMs)] : [NaN, NaN];
  for (const s of fmaPass.sizes) {
    const [oldA, fma] = pair(s.measurement);
    const [oldB, fused] = pair(fusedPass?.sizes.find((x) => x.size === s.size)?.measurement);
    const t = torchMs(s.size);
    out.push(
      `| ${s.size} | ${fmaPass.ready?.threads ?? '–'} | ${ms(oldA)} | ${ms(fma)} | ${x2(oldA / fma)} | ` +
        `${ms(oldB)} | ${ms(fused)} | ${x2(oldB / fused)} | ${ms(t)} | ${x2(fma / t)} |`,
    );
  }
  out.push('');
  out.push(
    "Where the step's time goes: one more step of each page under tf.profile (tfjs-wasm's kernel " +
      'timer is the wall time of each synchronous kernel), after its timed rounds; the FMA ' +
      "conv's calls timed inside (kernel, copies into and out of its memory), and the tfjs side " +
      'of those copies timed on the same shapes right after (src/worker/stepProfile.ts).',
    '',
  );
  for (const pass of f.worker) {
    for (const s of pass.sizes) {
      const p = s.measurement?.stepProfile;
      if (p) out.push(...stepProfileMarkdown(p, s.size), '');
    }
  }
  return out;
}
