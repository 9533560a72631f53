/**
 * The micro-kernel table of issue 24: wasm/conv3x3.c (relaxed FMA and plain SIMD builds, 1 and 2
 * threads) against tfjs-wasm's fused conv2d and its matMul of the same conv as an im2col GEMM, on
 * VGG16's conv shapes, in one process: the bench worker (tfjs-wasm on the page's threads) or Node
 * (1 thread). Our figures include copying in and out of the kernel's memory, as a call from the
 * engine pays; the filter is packed in the warm-up only, as the engine packs it once per run. Each figure is the best of `rounds` after a warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import type { FmaConv, FmaVariant } from '../engine/fma/fmaConv';

/** The kernel on that many threads, or null where it cannot run. */
export type FmaFactory = (variant: FmaVariant, threads: number) => Promise<FmaConv | null>;

export interface KernelShape {
  layer: string;
  h: number;
  w: number;
  c: number;
  n: number;
}

/** VGG16's 3x3 convs at `size` px (each block's first and second conv; the rest repeat them). */
export function vggConvShapes(size: number): KernelShape[] {
  const blocks: [number, number][] = [
    [3, 64],
    [64, 128],
    [128, 256],
    [256, 512],
    [512, 512],
  ];
  const out: KernelShape[] = [];
  blocks.forEach(([cin, cout], b) => {
    const s = size >> b;
    out.push({ layer: `block${b + 1}_conv1`, h: s, w: s, c: cin, n: cout });
    out.push({ layer: `block${b + 1}_conv2`, h: s, w: s, c: cout, n: cout });
  });
  return out;
}

export interface KernelRow extends KernelShape {
  gflop: number;
  /** GFLOP/s per column; null where it could not run (relaxed SIMD missing). */
  gflops: Record<string, number | null>;
  /** Largest |ours - tfjs conv2d| / max |tfjs conv2d| of the relaxed build. */
  maxRelErr: number | null;
}

export interface KernelTable {
  columns: string[];
  rows: KernelRow[];
  relaxedSimd: boolean;
  tfjsThreads: number;
  size: number;
}

function best(rounds: number, f: () => void): number {
  f();
  let ms = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    f();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
}

/**
 * Runs the table on the active backend (wasm), whose pool has `tfjsThreads` threads. Kernels
 * from `make` are disposed after, unless `keep` (the worker keeps its own).
 */
export async function kernelTable(
  size: number,
  rounds: number,
  make: FmaFactory,
  tfjsThreads: number,
  keep = false,
): Promise<KernelTable> {
  const variants: [string, FmaVariant, number][] = [
    ['fma 1T', 'relaxed', 1],
    ['fma 2T', 'relaxed', 2],
    ['simd 1T', 'simd', 1],
    ['simd 2T', 'simd', 2],
  ];
  const convs = new Map<string, FmaConv | null>();
  for (const [name, v, t] of variants) convs.set(name, await make(v, t));
  const conv2d = `tfjs conv2d ${tfjsThreads}T`;
  const matMul = `tfjs matMul ${tfjsThreads}T`;
  const columns = [...variants.map((v) => v[0]), conv2d, matMul];
  const rows: KernelRow[] = [];
  try {
    for (const s of vggConvShapes(size)) {
      const gflop = (2 * s.h * s.w * 9 * s.c * s.n) / 1e9;
      const x = tf.randomUniform([1, s.h, s.w, s.c], 0, 1, 'float32', 1) as tf.Tensor4D;
      const f = tf.randomNormal([3, 3, s.c, s.n], 0, 0.1, 'float32', 2) as tf.Tensor4D;
      const b = tf.randomNormal([s.n], 0, 0.1, 'float32', 3) as tf.Tensor1D;
      const a2 = tf.randomUniform([s.h * s.w, 9 * s.c], 0, 1, 'float32', 4) as tf.Tensor2D;
      const f2 = tf.reshape(f, [9 * s.c, s.n]) as tf.Tensor2D;
      const xd = x.dataSync() as Float32Array;
      const fd = f.dataSync() as Float32Array;
      const bd = b.dataSync() as Float32Array;
      // Packed in the warm-up call and reused, as the engine does per layer (and XNNPACK too).
      const src = { key: {}, filter: () => fd, bias: () => bd };
      const gflops: Record<string, number | null> = {};
      let ours: Float32Array | null = null;
      for (const [name] of variants) {
        const k = convs.get(name);
        if (!k) {
          gflops[name] = null;
          continue;
        }
        const ms = best(rounds, () => {
          const y = k.run(xd, s.h, s.w, s.c, src, s.n, true);
          if (name === 'fma 1T') ours = y;
        });
        gflops[name] = gflop / (ms / 1000);
      }
      gflops[conv2d] =
        gflop /
        (best(rounds, () =>
          tf.tidy(() => {
            tf.fused
              .conv2d({ x, filter: f, bias: b, pad: 'same', strides: 1, activation: 'relu' })
              .dataSync();
          }),
        ) /
          1000);
      gflops[matMul] =
        gflop / (best(rounds, () => tf.tidy(() => void tf.matMul(a2, f2).dataSync())) / 1000);
      let maxRelErr: number | null = null;
      if (ours) {
        const r = tf.tidy(() =>
          tf.fused
            .conv2d({ x, filter: f, bias: b, pad: 'same', strides: 1, activation: 'relu' })
            .dataSync(),
        );
        let maxRef = 0;
        let maxDiff = 0;
        const o: Float32Array = ours;
        for (let i = 0; i < r.length; i++) {
          maxRef = Math.max(maxRef, Math.abs(r[i]));
          maxDiff = Math.max(maxDiff, Math.abs(r[i] - o[i]));
        }
        maxRelErr = maxDiff / maxRef;
      }
      tf.dispose([x, f, b, a2, f2]);
      rows.push({ ...s, gflop, gflops, maxRelErr });
    }
  } finally {
    if (!keep) for (const k of convs.values()) k?.dispose();
  }
  return { columns, rows, relaxedSimd: convs.get('fma 1T') != null, tfjsThreads, size };
}

/** The table as markdown: GFLOP/s per column, and FMA / tfjs conv2d on the same threads. */
export function kernelMarkdown(t: KernelTable): string[] {
  const f = (x: number | null) => (x == null ? '–' : x.toFixed(1));
  const same = `fma ${t.tfjsThreads}T`;
  const out = [
    `| layer (${t.size} px) | M×K×N | ${t.columns.join(' | ')} | ${same} / tfjs conv2d | max rel. err |`,
    `|---|---|${t.columns.map(() => '---|').join('')}---|---|`,
  ];
  for (const r of t.rows) {
    const ratio = (r.gflops[same] ?? NaN) / (r.gflops[`tfjs conv2d ${t.tfjsThreads}T`] ?? NaN);
    out.push(
      `| ${r.layer} | ${r.h * r.w}×${9 * r.c}×${r.n} | ${t.columns.map((c) => f(r.gflops[c])).join(' | ')} | ` +
        `${Number.isFinite(ratio) ? ratio.toFixed(2) : '–'} | ${r.maxRelErr?.toExponential(1) ?? '–'} |`,
    );
  }
  return out;
}
