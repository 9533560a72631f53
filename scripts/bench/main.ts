/**
 * `npm run bench [-- flags]`: how fast the engine and the app's worker are, how much memory they
 * hold, and how close a full iteration comes to the network's own forward+backward cost.
 * Prints markdown tables and writes bench-results/latest.json and latest.md.
 *
 * Every speed measurement also times the old engine's conv gradient (tfjs' Conv2DBackpropInput,
 * mode 'tfjs') and the old Gram (transposeA matMul) side by side, and a plain matMul for the
 * backend's reachable GFLOP/s, so the ratios come from one run.
 *
 * Flags (defaults fit about 15 minutes on a loaded 2-core machine without a GPU):
 *   --conv-size N        convergence image size (64)
 *   --conv-iters N       convergence iterations per optimiser (80)
 *   --conv-backend B     convergence backend, wasm or cpu (wasm)
 *   --node-backends A,B  Node backends (wasm,cpu)
 *   --node-rounds N      timed rounds per Node backend and size (3)
 *   --node-sizes A,B     Node sizes (128,256)
 *   --node-size-budget S seconds allowed per Node backend x size, by estimate (150)
 *   --browser-backends A,B  worker backends, each on its own page: wasm, webgl, webgpu (wasm,webgl)
 *   --browser-sizes A,B  browser sizes on wasm (128,256)
 *   --webgl-sizes A,B    browser sizes on webgl (128)
 *   --webgpu-sizes A,B   browser sizes on webgpu (64)
 *   --browser-rounds N   timed rounds per browser size (3)
 *   --browser-size-budget S  seconds allowed per browser size, by estimate (240)
 *   --matmul N           n of the plain n x n x n matMul (1024)
 *   --torch              also PyTorch's forward+backward (Debian python3-torch; skipped if absent)
 *   --torch-rounds N     timed PyTorch rounds per size (5)
 *   --port N             vite preview port of the browser part (BENCH_PORT, else 4174)
 *   --multiscale         also run part C: coarse-to-fine vs single-scale, same final size and
 *                        wall-clock budget, J at the final size (off by default)
 *   --multiscale-size N  its final long side (128);  --multiscale-iters N  its budget (12)
 *   --multiscale-backend B  wasm or cpu (wasm)
 *   --fma-kernel-size N  image size of the FMA micro-kernel tables (256); --skip-fma: no part G;
 *                        --fma-only: of the browser pages, part G's only
 *   --skip-node --skip-convergence --skip-browser
 *   --out DIR            output folder (bench-results)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { browserBench, estimateMs, type BrowserPass } from './browser';
import { fmaBrowserPasses, fmaMarkdown, nodeKernels, type FmaReport } from './fmaPart';
import { problemImages, loadDemoWeights, ROOT } from './inputs';
import { machineInfo } from './machine';
import { convergence, nodeSpeed, useBackend, type NodeBackend, type NodeSpeedResult } from './node';
import { multiscaleVsSingle } from './multiscale';
import { markdown, type BenchReport } from './report';
import { median } from './stats';
import { torchBench } from './torch';

const { values: a } = parseArgs({
  options: {
    'conv-size': { type: 'string', default: '64' },
    'conv-iters': { type: 'string', default: '80' },
    'conv-backend': { type: 'string', default: 'wasm' },
    'node-backends': { type: 'string', default: 'wasm,cpu' },
    'node-rounds': { type: 'string', default: '3' },
    'node-sizes': { type: 'string', default: '128,256' },
    'node-size-budget': { type: 'string', default: '150' },
    'browser-backends': { type: 'string', default: 'wasm,webgl' },
    'browser-sizes': { type: 'string', default: '128,256' },
    'webgl-sizes': { type: 'string', default: '128' },
    'webgpu-sizes': { type: 'string', default: '64' },
    'browser-rounds': { type: 'string', default: '3' },
    'browser-size-budget': { type: 'string', default: '240' },
    matmul: { type: 'string', default: '1024' },
    torch: { type: 'boolean', default: false },
    'torch-rounds': { type: 'string', default: '5' },
    port: { type: 'string', default: process.env.BENCH_PORT ?? '4174' },
    multiscale: { type: 'boolean', default: false },
    'multiscale-size': { type: 'string', default: '128' },
    'multiscale-iters': { type: 'string', default: '12' },
    'multiscale-backend': { type: 'string', default: 'wasm' },
    'skip-node': { type: 'boolean', default: false },
    'skip-convergence': { type: 'boolean', default: false },
    'skip-browser': { type: 'boolean', default: false },
    'fma-kernel-size': { type: 'string', default: '256' },
    'skip-fma': { type: 'boolean', default: false },
    'fma-only': { type: 'boolean', default: false },
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

const listOf = <T extends string>(name: string, v: string | undefined, allowed: readonly T[]) =>
  String(v)
    .split(',')
    .map((s) => s.trim())
    .map((s) => {
      if (!(allowed as readonly string[]).includes(s)) {
        throw new Error(`--${name}: ${s} is not one of ${allowed.join(', ')}`);
      }
      return s as T;
    });

const opts = {
  convSize: positiveInt('conv-size', a['conv-size']),
  convIters: positiveInt('conv-iters', a['conv-iters']),
  convBackend: a['conv-backend'] as NodeBackend,
  nodeBackends: listOf('node-backends', a['node-backends'], ['wasm', 'cpu'] as const),
  nodeRounds: positiveInt('node-rounds', a['node-rounds']),
  nodeSizes: sizesOf('node-sizes', a['node-sizes']),
  nodeSizeBudgetS: positiveInt('node-size-budget', a['node-size-budget']),
  browserBackends: listOf('browser-backends', a['browser-backends'], [
    'wasm',
    'webgl',
    'webgpu',
  ] as const),
  browserSizes: sizesOf('browser-sizes', a['browser-sizes']),
  webglSizes: sizesOf('webgl-sizes', a['webgl-sizes']),
  webgpuSizes: sizesOf('webgpu-sizes', a['webgpu-sizes']),
  matMulSize: positiveInt('matmul', a.matmul),
  torch: a.torch === true,
  torchRounds: positiveInt('torch-rounds', a['torch-rounds']),
  port: positiveInt('port', a.port),
  browserRounds: positiveInt('browser-rounds', a['browser-rounds']),
  browserSizeBudgetS: positiveInt('browser-size-budget', a['browser-size-budget']),
  multiscale: a.multiscale === true,
  multiscaleSize: positiveInt('multiscale-size', a['multiscale-size']),
  multiscaleIters: positiveInt('multiscale-iters', a['multiscale-iters']),
  multiscaleBackend: a['multiscale-backend'] as NodeBackend,
  skipNode: a['skip-node'] === true,
  skipConvergence: a['skip-convergence'] === true,
  skipBrowser: a['skip-browser'] === true,
  fmaKernelSize: positiveInt('fma-kernel-size', a['fma-kernel-size']),
  skipFma: a['skip-fma'] === true,
  fmaOnly: a['fma-only'] === true,
  out: String(a.out),
};
if (opts.multiscaleBackend !== 'wasm' && opts.multiscaleBackend !== 'cpu') {
  throw new Error(`--multiscale-backend must be wasm or cpu, got ${opts.multiscaleBackend}`);
}
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
  for (const backend of opts.nodeBackends) {
    // Wall time of the last size (setup, warm-ups, rounds), to estimate the next one by pixels.
    let prev: { ms: number; size: number; rounds: number } | null = null;
    for (const [i, size] of opts.nodeSizes.entries()) {
      let rounds = opts.nodeRounds;
      const budgetMs = opts.nodeSizeBudgetS * 1000;
      const estimate = (r: number) => (prev ? estimateMs(prev, size, r) : 0);
      while (rounds > 1 && estimate(rounds) > budgetMs) rounds--;
      if (estimate(rounds) > budgetMs) {
        const skipped =
          `skipped: estimated ${(estimate(rounds) / 1000).toFixed(0)} s for ${rounds} rounds ` +
          `(from ${prev!.size} px) > ${opts.nodeSizeBudgetS} s`;
        log(`node ${backend} ${size} px: ${skipped}`);
        speed.push({ backend, size, skipped });
        continue;
      }
      log(`node ${backend} ${size} px: ${rounds} rounds ...`);
      const t = performance.now();
      const r = await nodeSpeed(raw, backend, size, rounds, {
        compareWith: 'tfjs',
        gram: true,
        matMulSize: i === 0 ? opts.matMulSize : 0,
      });
      speed.push(r);
      if (r.error) {
        log(`node ${backend} ${size} px: FAILED ${r.error}`);
        notes.push(`Node ${backend} at ${size} px failed: ${r.error}`);
        break;
      }
      const m = r.measurement!;
      prev = { ms: performance.now() - t, size, rounds: m.rounds };
      log(
        `node ${backend} ${size} px: full ${median(m.fullNoPreviewMs).toFixed(0)} ms, ` +
          `bare ${median(m.bareMs).toFixed(0)} ms, tfjs-gradient full ` +
          `${median(m.compare?.fullMs ?? []).toFixed(0)} ms`,
      );
    }
  }
}

// ---- G. FMA conv, Node micro-kernels ----
const fma: FmaReport = { nodeKernels: null, worker: [] };
if (!opts.skipFma && !opts.skipNode) {
  log(`fma: Node micro-kernel table at ${opts.fmaKernelSize} px ...`);
  await useBackend('wasm');
  Object.assign(fma, await nodeKernels(opts.fmaKernelSize, 3));
  log(fma.nodeKernels ? 'fma: Node table done' : `fma: ${fma.nodeKernelsSkipped}`);
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

// ---- C. Coarse-to-fine vs single-scale ----
let multiscale: BenchReport['multiscale'] = null;
if (opts.multiscale) {
  log(
    `multiscale: ${opts.multiscaleBackend}, ${opts.multiscaleSize} px, ${opts.multiscaleIters} iterations ...`,
  );
  multiscale = await multiscaleVsSingle(
    raw,
    opts.multiscaleBackend,
    opts.multiscaleSize,
    opts.multiscaleIters,
    log,
  );
}

// ---- B. Browser ----
let browser: BenchReport['browser'] = null;
if (!opts.skipBrowser) {
  try {
    const sizesFor = { wasm: opts.browserSizes, webgl: opts.webglSizes, webgpu: opts.webgpuSizes };
    const mainBackends = opts.fmaOnly ? [] : opts.browserBackends;
    const mainPasses = mainBackends.map((backend): BrowserPass => ({
      backend,
      sizes: sizesFor[backend],
      rounds: opts.browserRounds,
      // Both conv-gradient modes on every backend (the table in src/worker/backend.ts comes
      // from these); the old Gram and the matMul where the acceptance ratios are read (wasm).
      // The new gradient is asked for by name: webgl and webgpu ship tfjs' own (INPUT_GRADIENT),
      // and comparing the shipped mode with 'tfjs' there would time tfjs' gradient twice.
      extras: {
        inputGradient: 'forward-conv',
        compareWith: 'tfjs',
        gram: backend === 'wasm',
        matMulSize: backend === 'wasm' ? opts.matMulSize : 0,
      },
    }));
    // Part G's pages come last; their results are split off into fma.worker.
    const fmaPasses = opts.skipFma
      ? []
      : fmaBrowserPasses(opts.browserSizes, opts.browserRounds, opts.fmaKernelSize);
    browser = await browserBench({
      passes: [...mainPasses, ...fmaPasses],
      sizeBudgetMs: opts.browserSizeBudgetS * 1000,
      port: opts.port,
      log,
    });
    fma.worker = browser.backends.splice(mainPasses.length);
    machine.chromium = browser.chromiumVersion;
    machine.webglRenderer =
      browser.backends.find((b) => b.ready?.renderer)?.ready?.renderer ?? null;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`browser part failed: ${msg}`);
    notes.push(`The browser part failed: ${msg}`);
  }
}

// ---- C. PyTorch ----
let torch: BenchReport['torch'] = null;
if (opts.torch) {
  const wasmPage = browser?.backends.find((b) => b.backend === 'wasm')?.ready;
  const threads = wasmPage?.threads ?? machine.nproc;
  const sizes = [...new Set([...opts.nodeSizes, ...opts.browserSizes])].sort((x, y) => x - y);
  log(`torch: ${threads} thread(s), sizes ${sizes.join(', ')} ...`);
  torch = torchBench(threads, opts.torchRounds, sizes);
  if ('skipped' in torch) {
    log(`torch: skipped, ${torch.skipped}`);
    notes.push(`PyTorch skipped: ${torch.skipped}`);
  } else {
    log(
      `torch ${torch.result.torch}: ` +
        torch.result.sizes.map((x) => `${x.size} px ${x.medianMs.toFixed(0)} ms`).join(', ') +
        `, matMul ${torch.result.matMul.gflops.toFixed(1)} GFLOP/s`,
    );
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
  multiscale,
  browser,
  torch,
  fma,
  notes,
};
const md = [markdown(report), ...(opts.skipFma ? [] : fmaMarkdown(fma, torch))].join('\n');
const dir = resolve(ROOT, opts.out);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(dir, 'latest.md'), md);
console.log('\n' + md);
log(`wrote ${join(opts.out, 'latest.json')} and latest.md`);
