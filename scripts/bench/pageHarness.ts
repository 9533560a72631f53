/**
 * What the benches that drive the built page share (bench:plan, tiledRun): an optional build, a
 * vite preview and a Chromium with the e2e flags, both closed whatever happens, and the load
 * average that every figure is read against.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/browserFlags';
import { startPreview } from '../previewServer';
import { ROOT } from './inputs';

/** The 1-, 5- and 15-minute load averages, as printed next to the figures. */
export const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/** Builds dist/ (unless told not to), serves it on `port` and runs `body` in a fresh Chromium. */
export async function withBuiltPage(
  options: { build: boolean; port: number },
  body: (browser: Browser, url: string) => Promise<void>,
): Promise<void> {
  if (options.build) {
    const r = spawnSync(`${ROOT}/node_modules/.bin/vite`, ['build', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const server = await startPreview(options.port);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await body(browser, server.url);
  } finally {
    await browser.close();
    server.stop();
  }
}

/** Runs a bench's main, exiting non-zero with the error printed when it throws. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
