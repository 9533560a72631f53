/**
 * Saves docs/screenshot.png: the built page mid-run with the sample images and demo weights.
 * Needs a built dist/ (npx vite build). Starts its own vite preview, drives Debian's Chromium
 * with SwiftShader flags, runs a few iterations at a small size and captures the page.
 * Run: npx tsx scripts/screenshot.ts [--phone]   (--phone: 390 px wide, saved as screenshot-phone.png)
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect } from '@playwright/test';
import playwrightConfig from '../playwright.config';
import { useDemoWeights } from '../e2e/helpers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PORT = 4183;
const phone = process.argv.includes('--phone');

async function waitForServer(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

async function main(): Promise<void> {
  // vite's own bin under node (not npx), so kill() reaches the server itself.
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const server = spawn(
    process.execPath,
    [vite, 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'],
    { cwd: root, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${PORT}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // The same Chromium flags as the e2e tests (SwiftShader WebGL, closed-network quietness).
    args: playwrightConfig.use?.launchOptions?.args ?? [],
  });
  try {
    await waitForServer(url, 30_000);
    const page = await browser.newPage({
      viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
      deviceScaleFactor: phone ? 2 : 1,
    });
    await page.goto(url);
    await page.getByRole('button', { name: 'Try samples' }).click();
    await page.getByLabel('Output long side (px)').fill('128');
    await page.getByLabel('Output long side (px)').press('Enter');
    await page.getByLabel('Iterations').fill('40');
    await page.getByLabel('Iterations').press('Enter');
    await useDemoWeights(page);
    await page.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(async () => Number(await page.getByTestId('iteration').getAttribute('data-value')), {
        timeout: 180_000,
      })
      .toBeGreaterThanOrEqual(4);
    const out = join(root, 'docs', phone ? 'screenshot-phone.png' : 'screenshot.png');
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`saved ${out}`);
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
