/**
 * Part B of the benchmark: the app's own worker (src/worker/styleWorker.ts) in headless Debian
 * Chromium, one page of bench.html per backend (?backend=wasm|webgl|webgpu), driven through its
 * window.__styleBench. Builds the app, serves it with vite preview on 127.0.0.1 (port from
 * --port / BENCH_PORT, 4174 by default), and stops the server when done.
 */
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import playwrightConfig from '../../playwright.config';
import type { BenchExtras, BenchMeasurement } from '../../src/worker/bench';
import type { BackendName } from '../../src/worker/protocol';
import type { BenchReady, StyleBenchHandle } from './benchPage';
import { startPreview } from '../previewServer';
import { ROOT } from './inputs';
import { median } from './stats';

const VITE = `${ROOT}/node_modules/.bin/vite`;

export interface BrowserSizeResult {
  size: number;
  rounds?: number;
  /** Set when the size was not measured, saying why (time estimate, failure). */
  skipped?: string;
  measurement?: BenchMeasurement;
}

/** One backend's page: which sizes, and what else each request asks the worker for. */
export interface BrowserPass {
  backend: BackendName;
  sizes: number[];
  rounds: number;
  /** Extras of every request; matMulSize is asked on the first size only. */
  extras: BenchExtras;
}

export interface BrowserBackendResult {
  backend: BackendName;
  /** null when the page did not start (error says why). */
  ready: BenchReady | null;
  error?: string;
  sizes: BrowserSizeResult[];
}

export interface BrowserResult {
  chromiumVersion: string;
  backends: BrowserBackendResult[];
  buildMs: number;
}

export interface BrowserOptions {
  passes: BrowserPass[];
  /** Time allowed for one size (warm-up + rounds), by estimate; larger sizes are skipped. */
  sizeBudgetMs: number;
  port: number;
  log: (line: string) => void;
}

function build(log: (line: string) => void): number {
  const t = performance.now();
  log('building the app (vite build) ...');
  const r = spawnSync(VITE, ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  return performance.now() - t;
}

/** The e2e tests' Chromium flags, plus WebGPU (SwiftShader's adapter) when a pass wants it. */
function launchArgs(webgpu: boolean): string[] {
  const args = playwrightConfig.use?.launchOptions?.args ?? [];
  return webgpu ? [...args, '--enable-unsafe-webgpu'] : args;
}

/**
 * ms one size would take, from the wall time a smaller size took (warm-up included), scaled by
 * the pixel count (the convolutions dominate) and the number of rounds plus one for the warm-up.
 */
export function estimateMs(
  prev: { ms: number; size: number; rounds: number },
  size: number,
  rounds: number,
) {
  return prev.ms * (size / prev.size) ** 2 * ((rounds + 1) / (prev.rounds + 1));
}

async function measurePass(
  browser: Browser,
  origin: string,
  pass: BrowserPass,
  opts: BrowserOptions,
): Promise<BrowserBackendResult> {
  const page: Page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const out: BrowserBackendResult = { backend: pass.backend, ready: null, sizes: [] };
  try {
    await page.goto(`${origin}/bench.html?backend=${pass.backend}`);
    const ready = await page.evaluate(() => {
      const h = (window as unknown as { __styleBench?: StyleBenchHandle }).__styleBench;
      if (!h) throw new Error('bench.html did not expose window.__styleBench');
      return h.ready;
    });
    opts.log(
      `browser ${pass.backend}: backend ${ready.backend}, ${ready.threads} thread(s), ` +
        `isolated ${ready.crossOriginIsolated}, renderer ${ready.renderer ?? '?'}`,
    );
    if (ready.backend !== pass.backend) {
      throw new Error(
        `the worker runs on ${ready.backend}, not ${pass.backend}: ${ready.warning ?? ''}`,
      );
    }
    out.ready = ready;
    let prev: { ms: number; size: number; rounds: number } | null = null;
    for (const [i, size] of pass.sizes.entries()) {
      let rounds = pass.rounds;
      if (prev) {
        while (rounds > 1 && estimateMs(prev, size, rounds) > opts.sizeBudgetMs) rounds--;
        const est = estimateMs(prev, size, rounds);
        if (est > opts.sizeBudgetMs) {
          const reason =
            `estimated ${(est / 60_000).toFixed(1)} min (${rounds} round, from ` +
            `${prev.size} px) exceeds the ${(opts.sizeBudgetMs / 60_000).toFixed(1)} min per size`;
          opts.log(`browser ${pass.backend} ${size} px: skipped, ${reason}`);
          out.sizes.push({ size, skipped: reason });
          continue;
        }
      }
      opts.log(`browser ${pass.backend} ${size} px: ${rounds} rounds ...`);
      const t = performance.now();
      try {
        const extras: BenchExtras = {
          ...pass.extras,
          matMulSize: i === 0 ? pass.extras.matMulSize : 0,
          fmaKernelSize: i === 0 ? pass.extras.fmaKernelSize : 0,
        };
        // The worker stops early when the rounds would overrun this share of the size's budget.
        const roundsBudgetMs = opts.sizeBudgetMs * 0.8;
        const measurement: BenchMeasurement = await page.evaluate(
          ({ size, rounds, roundsBudgetMs, extras }) =>
            (window as unknown as { __styleBench: StyleBenchHandle }).__styleBench.measure(
              size,
              rounds,
              roundsBudgetMs,
              extras,
            ),
          { size, rounds, roundsBudgetMs, extras },
        );
        out.sizes.push({ size, rounds, measurement });
        const ms = performance.now() - t;
        prev = { ms, size, rounds: measurement.rounds };
        const old = measurement.compare
          ? `, ${measurement.compare.inputGradient} full ${median(measurement.compare.fullMs).toFixed(0)} ms`
          : '';
        opts.log(
          `browser ${pass.backend} ${size} px: done in ${(ms / 1000).toFixed(0)} s ` +
            `(full ${median(measurement.fullNoPreviewMs).toFixed(0)} ms, bare ${median(measurement.bareMs).toFixed(0)} ms${old})`,
        );
      } catch (e) {
        const reason = `failed: ${e instanceof Error ? e.message : String(e)} ${pageErrors.join('; ')}`;
        opts.log(`browser ${pass.backend} ${size} px: ${reason}`);
        out.sizes.push({ size, skipped: reason });
        break;
      }
    }
  } catch (e) {
    out.error = `${e instanceof Error ? e.message : String(e)} ${pageErrors.join('; ')}`.trim();
    opts.log(`browser ${pass.backend}: ${out.error}`);
  } finally {
    await page.close();
  }
  return out;
}

export async function browserBench(opts: BrowserOptions): Promise<BrowserResult> {
  const buildMs = build(opts.log);
  const server = await startPreview(opts.port, 'bench.html');
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: launchArgs(opts.passes.some((p) => p.backend === 'webgpu')),
    });
    const backends: BrowserBackendResult[] = [];
    for (const pass of opts.passes) {
      backends.push(await measurePass(browser, `http://127.0.0.1:${opts.port}`, pass, opts));
    }
    return { chromiumVersion: browser.version(), backends, buildMs };
  } finally {
    await browser?.close();
    server.stop();
  }
}
