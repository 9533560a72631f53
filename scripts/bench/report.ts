/** The benchmark's outputs: one JSON object and its markdown tables. */
import type { BenchMeasurement } from '../../src/worker/bench';
import type { BrowserResult } from './browser';
import type { MachineInfo } from './machine';
import type { ConvergenceResult, NodeSpeedResult } from './node';
import { median, ratio } from './stats';

export interface BenchReport {
  generatedAt: string;
  totalWallS: number;
  options: Record<string, unknown>;
  machine: MachineInfo & { chromium?: string; webglRenderer?: string | null };
  settings: string;
  imageSource: string;
  node: { speed: NodeSpeedResult[]; convergence: ConvergenceResult | null };
  browser: BrowserResult | null;
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

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const x2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
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
    out.push("## B. Browser: the app's worker on webgl (headless Chromium)", '');
    out.push(
      "One round = a full iteration with the preview drawn (the worker's own draw), one without " +
        '(one pixel read back instead), and a bare forward+backward. preview share = (on − off) / on.',
      '',
    );
    out.push(
      '| size | rounds | full ms (preview) | full ms (no preview) | bare fwd+bwd ms | full/bare | preview on/off | preview share | Δ tensors | Δ bytes | peak MB | warm-up ms | note |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of b.sizes) {
      if (!s.measurement) {
        out.push(
          `| ${s.size} | – | – | – | – | – | – | – | – | – | – | – | skipped: ${s.skipped ?? ''} |`,
        );
        continue;
      }
      const v = summarise(s.measurement);
      out.push(
        `| ${s.size} | ${s.measurement.rounds} | ${ms(v.fullMs)} | ${ms(v.fullNoPreviewMs)} | ${ms(v.bareMs)} | ` +
          `${x2(v.fullOverBare)} | ${x2(v.previewOnOverOff)} | ${pct(v.previewShare)} | ${v.tensorsDelta} | ` +
          `${v.bytesDelta} | ${mb(v.peakMB)} | ${ms(s.measurement.warmupMs)} | |`,
      );
    }
    out.push('');
  }
  if (r.notes.length) {
    out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}
