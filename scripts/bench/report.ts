/** The benchmark's outputs: one JSON object and its markdown tables. */
import type { BenchMeasurement } from '../../src/worker/bench';
import { isConvLayerName } from '../../src/model/topology';
import type { BrowserResult } from './browser';
import { forwardBackwardFlops, gflops } from './flops';
import type { MachineInfo } from './machine';
import type { MultiscaleResult } from './multiscale';
import type { ConvergenceResult, NodeSpeedResult } from './node';
import { median, ratio } from './stats';
import type { FmaReport } from './fmaPart';
import type { TorchOutcome } from './torch';

export interface BenchReport {
  generatedAt: string;
  totalWallS: number;
  options: Record<string, unknown>;
  machine: MachineInfo & { chromium?: string; webglRenderer?: string | null };
  settings: string;
  imageSource: string;
  node: { speed: NodeSpeedResult[]; convergence: ConvergenceResult | null };
  /** Part C (--multiscale). */
  multiscale?: MultiscaleResult | null;
  browser: BrowserResult | null;
  torch: TorchOutcome | null;
  /** Part G, issue 24 (scripts/bench/fmaPart.ts). */
  fma?: FmaReport;
  notes: string[];
}

/** The numbers a table row shows, derived from one measurement. */
export function summarise(m: BenchMeasurement) {
  const full = median(m.fullMs);
  const fullOff = median(m.fullNoPreviewMs);
  const bare = median(m.bareMs);
  return {
    fullMs: full,
    fullNoPreviewMs: fullOff,
    bareMs: bare,
    // With a preview the app's iteration is the full one; Node has no preview.
    fullOverBare: ratio(Number.isFinite(full) ? full : fullOff, bare),
    fullNoPreviewOverBare: ratio(fullOff, bare),
    previewOnOverOff: ratio(full, fullOff),
    previewShare: Number.isFinite(full) ? (full - fullOff) / full : NaN,
    tensorsDelta: m.memoryAfter.numTensors - m.memoryBefore.numTensors,
    bytesDelta: m.memoryAfter.numBytes - m.memoryBefore.numBytes,
    peakMB: m.peakBytes / 2 ** 20,
  };
}

/**
 * The new engine against the old one, from one measurement taken with compareWith 'tfjs':
 * the old conv gradient's step is measured; the old Gram's extra cost (old − new Gram with its
 * gradient, same shapes, same round) is added to it for the whole old engine.
 */
export function speedup(m: BenchMeasurement) {
  const fullMs = median(m.fullNoPreviewMs);
  const tfjsFullMs = median(m.compare?.fullMs ?? []);
  const gramExtraMs = m.gram ? median(m.gram.oldMs) - median(m.gram.newMs) : NaN;
  const oldFullMs = tfjsFullMs + (Number.isFinite(gramExtraMs) ? gramExtraMs : 0);
  const deepest = isConvLayerName(m.deepestLayer) ? m.deepestLayer : 'block5_conv1';
  const flops = forwardBackwardFlops(m.height, m.width, deepest);
  return {
    fullMs,
    tfjsFullMs,
    gramExtraMs,
    oldFullMs,
    gradientOnlyRatio: ratio(tfjsFullMs, fullMs),
    oldEngineRatio: ratio(oldFullMs, fullMs),
    bareMs: median(m.bareMs),
    gflop: flops / 1e9,
    bareGflops: gflops(flops, median(m.bareMs)),
    fullGflops: gflops(flops, fullMs),
  };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const x2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const x1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const mb = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

export function markdown(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`# npm run bench — ${r.generatedAt}`, '');
  out.push(
    `Total wall time ${(r.totalWallS / 60).toFixed(1)} min. Weights: the demo VGG16 (seeded random, ` +
      'not the pretrained one: speed is the same, losses are not meaningful as art).',
    '',
  );
  out.push('## Machine', '');
  out.push(`- nproc: ${m.nproc}; CPU: ${m.cpuModel}; memory: ${m.memoryGiB} GiB; Node ${m.node}`);
  out.push(`- 1-min load average at start: ${m.loadAverage1m}`);
  if (m.chromium) out.push(`- Chromium: ${m.chromium}`);
  if (m.webglRenderer !== undefined) out.push(`- WebGL renderer: ${m.webglRenderer ?? 'none'}`);
  out.push(`- Settings: ${r.settings}`);
  out.push(`- Images: ${r.imageSource}`, '');

  out.push('## A. Node: the engine on tfjs cpu and wasm', '');
  out.push(
    'Medians over the rounds; one round = one full iteration (StyleTransferRun.step, Adam) then ' +
      'one bare VGG16 forward+backward to the same deepest layer on the same image. Δ = ' +
      'tf.memory() after all rounds minus after the warm-up step; peak = tf.profile of the warm-up step.',
    '',
  );
  out.push(
    '| backend | size | rounds | full ms | bare fwd+bwd ms | full/bare | Δ tensors | Δ bytes | peak MB | note |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const s of r.node.speed) {
    if (!s.measurement) {
      out.push(
        `| ${s.backend} | ${s.size} | – | – | – | – | – | – | – | ${s.skipped ?? s.error ?? ''} |`,
      );
      continue;
    }
    const v = summarise(s.measurement);
    out.push(
      `| ${s.backend} | ${s.size} | ${s.measurement.rounds} | ${ms(v.fullNoPreviewMs)} | ${ms(v.bareMs)} | ` +
        `${x2(v.fullNoPreviewOverBare)} | ${v.tensorsDelta} | ${v.bytesDelta} | ${mb(v.peakMB)} | ${s.skipped ?? ''} |`,
    );
  }
  out.push('');

  const c = r.node.convergence;
  if (c) {
    out.push(
      `## A. Convergence (${c.backend}, ${c.size} px, ${c.iterations} iterations each, default settings)`,
      '',
    );
    out.push(
      `Lowest J either reached: ${c.best.toExponential(4)}. Target: within ${(100 * c.tolerance).toFixed(0)}% of it.`,
      '',
    );
    out.push(
      '| optimiser | iterations to target | seconds to target | evaluations to target | J after last iteration | s per iteration |',
    );
    out.push('|---|---|---|---|---|---|');
    for (const q of c.reached) {
      const t = c.traces.find((x) => x.optimizer === q.optimizer)!;
      const perIter = t.seconds[t.seconds.length - 1] / t.seconds.length;
      out.push(
        `| ${q.optimizer} | ${q.iterations ?? `not within ${c.iterations}`} | ${q.seconds === null ? '–' : q.seconds.toFixed(1)} | ` +
          `${q.evaluations ?? '–'} | ${q.finalLoss.toExponential(4)} | ${perIter.toFixed(2)} |`,
      );
    }
    out.push('');
  }

  const b = r.browser;
  if (b) {
    out.push("## B. Browser: the app's worker (headless Chromium), one page per backend", '');
    out.push(
      "One round = a full iteration with the preview drawn (the worker's own draw), one without " +
        '(one pixel read back instead), a bare forward+backward, and the same step (no preview) ' +
        "with tfjs' own conv gradient. preview share = (on − off) / on.",
      '',
    );
    out.push(
      '| backend | threads | size | rounds | full ms (preview) | full ms (no preview) | bare fwd+bwd ms | full/bare | preview share | Δ tensors | Δ bytes | peak MB | warm-up ms | note |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const be of b.backends) {
      const threads = be.ready?.threads ?? '–';
      if (be.error && be.sizes.length === 0) {
        out.push(
          `| ${be.backend} | ${threads} | – | – | – | – | – | – | – | – | – | – | – | ${be.error} |`,
        );
      }
      for (const s of be.sizes) {
        if (!s.measurement) {
          out.push(
            `| ${be.backend} | ${threads} | ${s.size} | – | – | – | – | – | – | – | – | – | – | skipped: ${s.skipped ?? ''} |`,
          );
          continue;
        }
        const v = summarise(s.measurement);
        out.push(
          `| ${be.backend} | ${threads} | ${s.size} | ${s.measurement.rounds} | ${ms(v.fullMs)} | ${ms(v.fullNoPreviewMs)} | ${ms(v.bareMs)} | ` +
            `${x2(v.fullOverBare)} | ${pct(v.previewShare)} | ${v.tensorsDelta} | ` +
            `${v.bytesDelta} | ${mb(v.peakMB)} | ${ms(s.measurement.warmupMs)} | |`,
        );
      }
    }
    out.push('');
  }

  // Every measurement with both gradient modes, Node and browser alike.
  const measured: { where: string; threads: number | string; m: BenchMeasurement }[] = [];
  for (const s of r.node.speed) {
    if (s.measurement) measured.push({ where: `Node ${s.backend}`, threads: 1, m: s.measurement });
  }
  for (const be of b?.backends ?? []) {
    for (const s of be.sizes) {
      if (s.measurement) {
        measured.push({
          where: `worker ${be.backend}`,
          threads: be.ready?.threads ?? '–',
          m: s.measurement,
        });
      }
    }
  }
  if (measured.length) {
    out.push('## C. New engine against the old one (same run, same rounds)', '');
    out.push(
      'new = the new engine (conv input gradient as a forward conv with flipped kernels, Gram ' +
        "without transposed matMuls; what wasm ships, measured so on every backend). tfjs gradient = the same step with tfjs' Conv2DBackpropInput " +
        "(mode 'tfjs'). old engine = that step plus the old Gram's extra cost (transposeA matMul; " +
        "old − new Gram with gradient at the style layers' shapes, timed in the same rounds; – where " +
        'not timed).',
      '',
    );
    out.push(
      '| where | threads | size | new full ms | tfjs-gradient full ms | old Gram extra ms | old engine ms | old engine / new | tfjs gradient / new | new bare ms |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const { where, threads, m } of measured) {
      if (!m.compare) continue;
      const v = speedup(m);
      out.push(
        `| ${where} | ${threads} | ${m.height} | ${ms(v.fullMs)} | ${ms(v.tfjsFullMs)} | ${ms(v.gramExtraMs)} | ` +
          `${m.gram ? ms(v.oldFullMs) : '–'} | ${m.gram ? x2(v.oldEngineRatio) : '–'} | ${x2(v.gradientOnlyRatio)} | ` +
          `${ms(v.bareMs)} |`,
      );
    }
    out.push('');

    out.push('## D. GFLOP/s (FLOPs counted from the layer shapes)', '');
    out.push(
      'FLOPs = forward + input gradient of every 3x3 conv to the deepest layer (2·H·W·Cin·Cout·9 ' +
        'each way). matMul = a plain n×n×n tf.matMul on the same backend in the same run, best of 5.',
      '',
    );
    out.push(
      '| where | threads | size | GFLOP per pass | bare GFLOP/s | full-step GFLOP/s | matMul GFLOP/s | bare / matMul |',
    );
    out.push('|---|---|---|---|---|---|---|---|');
    const matMulOf = (where: string) =>
      measured.find((x) => x.where === where && x.m.matMul)?.m.matMul;
    for (const { where, threads, m } of measured) {
      const v = speedup(m);
      const mm = matMulOf(where);
      out.push(
        `| ${where} | ${threads} | ${m.height} | ${v.gflop.toFixed(1)} | ${x1(v.bareGflops)} | ${x1(v.fullGflops)} | ` +
          `${mm ? `${x1(mm.gflops)} (n=${mm.n})` : '–'} | ${mm ? pct(v.bareGflops / mm.gflops) : '–'} |`,
      );
    }
    out.push('');

    const modes = measured.filter((x) => x.where.startsWith('worker') && x.m.compare);
    if (modes.length) {
      out.push(
        '## E. Conv input gradient per backend (what src/worker/backend.ts INPUT_GRADIENT picks)',
        '',
      );
      out.push(
        '| backend | size | forward-conv full ms | tfjs full ms | tfjs / forward-conv | faster |',
      );
      out.push('|---|---|---|---|---|---|');
      for (const { where, m } of modes) {
        const v = speedup(m);
        const faster = v.fullMs <= v.tfjsFullMs ? m.inputGradient : m.compare!.inputGradient;
        out.push(
          `| ${where.replace('worker ', '')} | ${m.height} | ${ms(v.fullMs)} | ${ms(v.tfjsFullMs)} | ` +
            `${x2(v.gradientOnlyRatio)} | ${faster} |`,
        );
      }
      out.push('');
    }
  }

  const t = r.torch;
  if (t) {
    out.push('## F. PyTorch CPU, same forward+backward (--torch)', '');
    if ('skipped' in t) {
      out.push(`Skipped: ${t.skipped}.`, '');
    } else {
      const tr = t.result;
      out.push(
        `PyTorch ${tr.torch}, ${tr.threads} thread(s) (the wasm worker's count where the browser part ran, else every core), VGG16 convs to ` +
          `block5_conv1 with random weights, gradient w.r.t. the input only; matMul n=${tr.matMul.n}, best of 5: ` +
          `${x1(tr.matMul.gflops)} GFLOP/s.`,
        '',
      );
      out.push(
        '| size | PyTorch fwd+bwd ms | PyTorch GFLOP/s | worker wasm bare ms | worker wasm full ms | worker full / PyTorch | worker bare / PyTorch |',
      );
      out.push('|---|---|---|---|---|---|---|');
      const wasm = b?.backends.find((x) => x.backend === 'wasm');
      for (const s of tr.sizes) {
        const wm = wasm?.sizes.find((x) => x.size === s.size)?.measurement;
        const v = wm ? speedup(wm) : null;
        const flop = forwardBackwardFlops(s.size, s.size, 'block5_conv1');
        out.push(
          `| ${s.size} | ${ms(s.medianMs)} | ${x1(gflops(flop, s.medianMs))} | ${v ? ms(v.bareMs) : '–'} | ` +
            `${v ? ms(v.fullMs) : '–'} | ${v ? x2(v.fullMs / s.medianMs) : '–'} | ${v ? x2(v.bareMs / s.medianMs) : '–'} |`,
        );
      }
      out.push('');
    }
  }
  if (r.multiscale) {
    const c = r.multiscale;
    out.push(
      `## C. Coarse-to-fine vs single-scale (${c.backend}, ${c.size} px, same wall clock)`,
      '',
    );
    out.push(
      `Stages: ${c.stages.map((s) => `${s.longSide} px × ${s.iterations}`).join(' → ')}. ` +
        'J at the final size after each run (lower is better).',
      '',
    );
    out.push('| run | iterations | seconds | J at final size |', '|---|---|---|---|');
    for (const [name, v] of [
      ['coarse-to-fine', c.multiscale],
      ['single-scale', c.singleScale],
    ] as const) {
      out.push(
        `| ${name} | ${v.iterations} | ${v.seconds.toFixed(1)} | ${v.finalJ.toExponential(4)} |`,
      );
    }
    out.push('');
  }
  if (r.notes.length) {
    out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}
