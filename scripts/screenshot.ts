/**
 * Saves the README's screenshots of the built page, with the sample images and demo weights, at
 * 1280 px and 390 px wide, mid-run and finished (the finished ones with the compare divider moved):
 *   docs/screenshot-1280-running.png, docs/screenshot-390-running.png,
 *   docs/screenshot-1280-finished.png, docs/screenshot-390-finished.png
 * Needs a built dist/ (npx vite build). Starts its own vite preview, drives Debian's Chromium with
 * the e2e tests' flags, runs once (the first visit measures the backends first) and resizes the
 * window between shots. Run: npx tsx scripts/screenshot.ts
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browserFlags';
import { typeInto, useDemoWeights } from '../e2e/helpers';
import { startPreview } from './previewServer';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PORT = 4183;

const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function shoot(page: Page, name: string): Promise<void> {
  const out = join(root, 'docs', `screenshot-${name}.png`);
  mkdirSync(dirname(out), { recursive: true });
  // What a visitor sees in the window, from the top: the result first.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
}

/** Both widths of the same moment (a resize does not disturb the run). */
async function shootBoth(page: Page, moment: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await shoot(page, `390-${moment}`);
  await page.setViewportSize(WIDE);
  await shoot(page, `1280-${moment}`);
}

async function main(): Promise<void> {
  const { url, stop } = await startPreview(PORT);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(url);
    await page.getByRole('button', { name: 'Try samples' }).click();
    await useDemoWeights(page);
    // A first visit measures the backends before the first run can start.
    await expect(page.getByTestId('calibration')).toBeAttached({ timeout: 300_000 });
    await typeInto(page.getByLabel('Output long side (px)'), '128');
    // Iterations sit under Advanced settings: unfold, set, fold again as a first visit has it.
    const advanced = page.getByText('Advanced settings', { exact: true });
    await advanced.click();
    await typeInto(page.getByLabel('Iterations'), '100');
    await advanced.click();
    await page.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(async () => Number(await page.getByTestId('iteration').getAttribute('data-value')), {
        timeout: 300_000,
      })
      .toBeGreaterThanOrEqual(20);
    await shootBoth(page, 'running');
    await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 900_000 });
    // Finished: the divider moved a third of the way in, as a visitor comparing would.
    const divider = page.getByRole('slider', { name: 'Compare with the content image' });
    await divider.focus();
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
    await divider.blur();
    await shootBoth(page, 'finished');
  } finally {
    await browser.close();
    stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
