/**
 * Part B of the benchmark: the app's own worker (src/worker/styleWorker.ts) on the webgl backend
 * in headless Debian Chromium, driven through bench.html's window.__styleBench. Builds the app,
 * serves it with vite preview on 127.0.0.1:4174, and stops the server when done.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import playwrightConfig from '../../playwright.config';
import type { BenchMeasurement } from '../../src/worker/bench';
import type { BenchReady, StyleBenchHandle } from './benchPage';
import { ROOT } from './inputs';
import { median } from './stats';

const PORT = 4174;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const VITE = `${ROOT}/node_modules/.bin/vite`;

export interface BrowserSizeResult {
  size: number;
  rounds?: number;
  /** Set when the size was not measured, saying why (time estimate, failure). */
  skipped?: string;
  measurement?: BenchMeasurement;
}

export interface BrowserResult {
  chromiumVersion: string;
  ready: BenchReady;
  sizes: BrowserSizeResult[];
  buildMs: number;
}

export interface BrowserOptions {
  sizes: number[];
  /** Rounds wanted per size (fewer when the estimate says they would not fit). */
  rounds: number;
  /** Time allowed for one size (warm-up + rounds), by estimate; larger sizes are skipped. */
  sizeBudgetMs: number;
  log: (line: string) => void;
}

function build(log: (line: string) => void): number {
  const t = performance.now();
  log('building the app (vite build) ...');
  const r = spawnSync(VITE, ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  return performance.now() - t;
}

async function serve(): Promise<ChildProcess> {
  const server = spawn(
    VITE,
    ['preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout?.on('data', (d) => (output += String(d)));
  server.stderr?.on('data', (d) => (output += String(d)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite preview exited: ${output}`);
    try {
      if ((await fetch(`${ORIGIN}/bench.html`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${ORIGIN} within 30 s: ${output}`);
}

function launchArgs(): string[] {
  return playwrightConfig.use?.launchOptions?.args ?? [];
}

/**
 * ms one size would take: warm-up (about two steps, shaders compiled) plus rounds of three timed
 * passes, scaled from a measured smaller size by the pixel count (the convolutions dominate).
 */
export function estimateMs(perPassMs: number, fromSize: number, size: number, rounds: number) {
  return perPassMs * (size / fromSize) ** 2 * (3 + 3 * rounds);
}

export async function browserBench(opts: BrowserOptions): Promise<BrowserResult> {
  const buildMs = build(opts.log);
  const server = await serve();
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: launchArgs(),
    });
    const page: Page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${ORIGIN}/bench.html`);
    const ready = await page.evaluate(() => {
      const h = (window as unknown as { __styleBench?: StyleBenchHandle }).__styleBench;
      if (!h) throw new Error('bench.html did not expose window.__styleBench');
      return h.ready;
    });
    opts.log(`browser: backend ${ready.backend}, renderer ${ready.renderer ?? '?'}`);
    if (ready.backend !== 'webgl') {
      throw new Error(`the worker runs on ${ready.backend}, not webgl: ${ready.warning ?? ''}`);
    }
    const sizes: BrowserSizeResult[] = [];
    let perPass: { ms: number; size: number } | null = null;
    for (const size of opts.sizes) {
      let rounds = opts.rounds;
      if (perPass) {
        while (rounds > 1 && estimateMs(perPass.ms, perPass.size, size, rounds) > opts.sizeBudgetMs)
          rounds--;
        const est = estimateMs(perPass.ms, perPass.size, size, rounds);
        if (est > opts.sizeBudgetMs) {
          const reason =
            `estimated ${(est / 60_000).toFixed(1)} min (${rounds} round, from ` +
            `${perPass.size} px) exceeds the ${(opts.sizeBudgetMs / 60_000).toFixed(1)} min per size`;
          opts.log(`browser ${size} px: skipped, ${reason}`);
          sizes.push({ size, skipped: reason });
          continue;
        }
      }
      opts.log(`browser ${size} px: ${rounds} rounds ...`);
      const t = performance.now();
      try {
        // The worker stops early when the rounds would overrun what is left of the size's budget.
        const roundsBudgetMs: number = perPass
          ? opts.sizeBudgetMs - perPass.ms * (size / perPass.size) ** 2 * 3
          : opts.sizeBudgetMs * 0.8;
        const measurement: BenchMeasurement = await page.evaluate(
          ({ size, rounds, roundsBudgetMs }) =>
            (window as unknown as { __styleBench: StyleBenchHandle }).__styleBench.measure(
              size,
              rounds,
              roundsBudgetMs,
            ),
          { size, rounds, roundsBudgetMs },
        );
        sizes.push({ size, rounds, measurement });
        perPass = {
          ms: median([...measurement.fullNoPreviewMs, ...measurement.bareMs]),
          size,
        };
        opts.log(
          `browser ${size} px: done in ${((performance.now() - t) / 1000).toFixed(0)} s ` +
            `(full ${median(measurement.fullMs).toFixed(0)} ms, bare ${median(measurement.bareMs).toFixed(0)} ms)`,
        );
      } catch (e) {
        const reason = `failed: ${e instanceof Error ? e.message : String(e)} ${pageErrors.join('; ')}`;
        opts.log(`browser ${size} px: ${reason}`);
        sizes.push({ size, skipped: reason });
        break;
      }
    }
    return { chromiumVersion: browser.version(), ready, sizes, buildMs };
  } finally {
    await browser?.close();
    server.kill();
  }
}
