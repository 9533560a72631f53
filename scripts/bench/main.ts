/**
 * `npm run bench [-- flags]`: how fast the engine and the app's worker are, how much memory they
 * hold, and how close a full iteration comes to the network's own forward+backward cost.
 * Prints markdown tables and writes bench-results/latest.json and latest.md.
 *
 * Flags (defaults fit about 20 minutes on a 2-core machine without a GPU):
 *   --conv-size N        convergence image size (64)
 *   --conv-iters N       convergence iterations per optimiser (80)
 *   --conv-backend B     convergence backend, wasm or cpu (wasm)
 *   --node-rounds N      timed rounds per Node backend and size (4)
 *   --node-sizes A,B     Node sizes (64,128)
 *   --node-size-budget S seconds allowed per Node backend x size, by estimate (120)
 *   --browser-sizes A,B  browser output sizes (128,256,512)
 *   --browser-rounds N   timed rounds per browser size (3)
 *   --browser-size-budget S  seconds allowed per browser size, by estimate (360)
 *   --skip-node --skip-convergence --skip-browser
 *   --out DIR            output folder (bench-results)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { browserBench } from './browser';
import { problemImages, loadDemoWeights, ROOT } from './inputs';
import { machineInfo } from './machine';
import { convergence, nodeSpeed, useBackend, type NodeBackend, type NodeSpeedResult } from './node';
import { markdown, type BenchReport } from './report';
import { median } from './stats';

const { values: a } = parseArgs({
  options: {
    'conv-size': { type: 'string', default: '64' },
    'conv-iters': { type: 'string', default: '80' },
    'conv-backend': { type: 'string', default: 'wasm' },
    'node-rounds': { type: 'string', default: '4' },
    'node-sizes': { type: 'string', default: '64,128' },
    'node-size-budget': { type: 'string', default: '120' },
    'browser-sizes': { type: 'string', default: '128,256,512' },
    'browser-rounds': { type: 'string', default: '3' },
    'browser-size-budget': { type: 'string', default: '360' },
    'skip-node': { type: 'boolean', default: false },
    'skip-convergence': { type: 'boolean', default: false },
    'skip-browser': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
  },
});

function positiveInt(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0))
    throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}
const sizesOf = (name: string, v: string | undefined) =>
  String(v)
    .split(',')
    .map((s) => positiveInt(name, s.trim()));

const opts = {
  convSize: positiveInt('conv-size', a['conv-size']),
  convIters: positiveInt('conv-iters', a['conv-iters']),
  convBackend: a['conv-backend'] as NodeBackend,
  nodeRounds: positiveInt('node-rounds', a['node-rounds']),
  nodeSizes: sizesOf('node-sizes', a['node-sizes']),
  nodeSizeBudgetS: positiveInt('node-size-budget', a['node-size-budget']),
  browserSizes: sizesOf('browser-sizes', a['browser-sizes']),
  browserRounds: positiveInt('browser-rounds', a['browser-rounds']),
  browserSizeBudgetS: positiveInt('browser-size-budget', a['browser-size-budget']),
  skipNode: a['skip-node'] === true,
  skipConvergence: a['skip-convergence'] === true,
  skipBrowser: a['skip-browser'] === true,
  out: String(a.out),
};
if (opts.convBackend !== 'wasm' && opts.convBackend !== 'cpu') {
  throw new Error(`--conv-backend must be wasm or cpu, got ${opts.convBackend}`);
}

const t0 = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const notes: string[] = [];
const machine: BenchReport['machine'] = machineInfo();
log(
  `machine: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAverage1m}`,
);
log(`options: ${JSON.stringify(opts)}`);

const raw = loadDemoWeights();
await useBackend('cpu');
const probe = problemImages(8);
const imageSource = probe.source;
probe.content.dispose();
probe.style.dispose();

// ---- A. Node speed ----
const speed: NodeSpeedResult[] = [];
if (!opts.skipNode) {
  for (const backend of ['wasm', 'cpu'] as NodeBackend[]) {
    let perPass: { ms: number; size: number } | null = null;
    for (const size of opts.nodeSizes) {
      let rounds = opts.nodeRounds;
      // Setup (two forward passes), warm-up step, two timed passes per round; scaled by pixels.
      const estimate = (r: number) =>
        perPass ? perPass.ms * (size / perPass.size) ** 2 * (2 + 2 * r) : 0;
      while (rounds > 2 && estimate(rounds) > opts.nodeSizeBudgetS * 1000) rounds--;
      if (estimate(rounds) > opts.nodeSizeBudgetS * 1000) {
        const skipped =
          `skipped: estimated ${(estimate(rounds) / 1000).toFixed(0)} s for ${rounds} rounds ` +
          `(from ${perPass!.size} px) > ${opts.nodeSizeBudgetS} s`;
        log(`node ${backend} ${size} px: ${skipped}`);
        speed.push({ backend, size, skipped });
        continue;
      }
      log(`node ${backend} ${size} px: ${rounds} rounds ...`);
      const r = await nodeSpeed(raw, backend, size, rounds);
      speed.push(r);
      if (r.error) {
        log(`node ${backend} ${size} px: FAILED ${r.error}`);
        notes.push(`Node ${backend} at ${size} px failed: ${r.error}`);
        break;
      }
      const m = r.measurement!;
      perPass = { ms: median([...m.fullNoPreviewMs, ...m.bareMs]), size };
      log(
        `node ${backend} ${size} px: full ${median(m.fullNoPreviewMs).toFixed(0)} ms, ` +
          `bare ${median(m.bareMs).toFixed(0)} ms`,
      );
    }
  }
}

// ---- A. Convergence ----
let conv: BenchReport['node']['convergence'] = null;
if (!opts.skipConvergence) {
  log(
    `convergence: ${opts.convBackend}, ${opts.convSize} px, ${opts.convIters} iterations each ...`,
  );
  conv = await convergence(raw, opts.convBackend, opts.convSize, opts.convIters, 0.05, log);
  for (const q of conv.reached) {
    log(
      `convergence ${q.optimizer}: ${q.iterations ?? 'never'} iterations, ` +
        `${q.seconds?.toFixed(1) ?? '–'} s to within 5% of ${conv.best.toExponential(4)}`,
    );
  }
}

// ---- B. Browser ----
let browser: BenchReport['browser'] = null;
if (!opts.skipBrowser) {
  try {
    browser = await browserBench({
      sizes: opts.browserSizes,
      rounds: opts.browserRounds,
      sizeBudgetMs: opts.browserSizeBudgetS * 1000,
      log,
    });
    machine.chromium = browser.chromiumVersion;
    machine.webglRenderer = browser.ready.renderer;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`browser part failed: ${msg}`);
    notes.push(`The browser part failed: ${msg}`);
  }
}

notes.push(
  `1-min load average at the end: ${loadavg()[0].toFixed(2)} (on ${machine.nproc} cores; other ` +
    'work running at the same time inflates the timings and spreads the rounds).',
);
const report: BenchReport = {
  generatedAt: new Date().toISOString(),
  totalWallS: (performance.now() - t0) / 1000,
  options: opts,
  machine,
  settings:
    `DEFAULT_SETTINGS: alpha ${DEFAULT_SETTINGS.alpha}, beta ${DEFAULT_SETTINGS.beta}, tv ${DEFAULT_SETTINGS.tvWeight}, ` +
    `lr ${DEFAULT_SETTINGS.learningRate}, content ${DEFAULT_SETTINGS.contentLayer}, styles ` +
    `${DEFAULT_SETTINGS.styleLayers.map((l) => l.name).join(' ')}, ${DEFAULT_SETTINGS.optimizer}, ` +
    `init ${DEFAULT_SETTINGS.init} (noise ${DEFAULT_SETTINGS.noiseRatio}, seed ${DEFAULT_SETTINGS.seed})`,
  imageSource,
  node: { speed, convergence: conv },
  browser,
  notes,
};
const md = markdown(report);
const dir = resolve(ROOT, opts.out);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(dir, 'latest.md'), md);
console.log('\n' + md);
log(`wrote ${join(opts.out, 'latest.json')} and latest.md`);
