/**
 * Issue 21: a run past what fits untiled goes in tiles. Kept cheap: shallow layers, two
 * iterations (one 1024 px stage: too few for coarse to fine), and the debug hook that tiles every
 * stage above 256 px (shallow layers would fit 1024 px untiled; the default ones do not on wasm,
 * but cost minutes). The stage then runs in tiles through the product's path: progress per tile,
 * Pause between two tiles, a 1024 px PNG with the run's settings.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import extractChunks from 'png-chunks-extract';
import * as pngText from 'png-chunk-text';
import { PNG } from 'pngjs';
import { iteration, prepareShallowRun, startRun } from './helpers';

test('a 1024 px run in tiles on wasm shows each tile, pauses between tiles and downloads a 1024 px PNG', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  await page.goto('/?debug');
  await page.getByLabel('Backend').selectOption('wasm');
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm', { timeout: 60_000 });
  await page.evaluate(() =>
    (window as unknown as { __styleDebug: { forceTiles(): void } }).__styleDebug.forceTiles(),
  );
  await prepareShallowRun(page, 'block1_conv2', { longSide: 1024, iterations: 2 });
  await startRun(page);

  // Progress per tile, before the stage's first iteration is in.
  const tile = page.getByTestId('tile-progress');
  await expect(tile).toContainText(/tile \d+ of \d+/, { timeout: 180_000 });
  await expect(page.getByTestId('stage')).toContainText('in tiles', { timeout: 180_000 });

  // Pause lands between two tiles of the pass in flight: no iteration is added by it. Clicked
  // in the page as soon as the 1024 px stage's pass is early on (many tiles still to go).
  const before = await page.waitForFunction(
    () => {
      const t = document.querySelector('[data-testid=tile-progress]');
      const tiles = Number(t?.getAttribute('data-tiles'));
      if (!t?.textContent?.includes('gradient') || tiles < 20) return null;
      // Early in the pass: the Pause cannot be late for it.
      if (Number(t.getAttribute('data-tile')) > tiles / 2) return null;
      [...document.querySelectorAll('button')].find((b) => b.textContent === 'Pause')!.click();
      return Number(document.querySelector('[data-testid=iteration]')?.getAttribute('data-value'));
    },
    undefined,
    { timeout: 240_000, polling: 20 },
  );
  const at = (await before.jsonValue())!;
  await expect(page.getByTestId('run-state')).toHaveText('paused', { timeout: 60_000 });
  expect(await iteration(page)).toBe(at);
  await expect(tile).toHaveCount(0);

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 300_000 });
  await expect(page.getByTestId('stage')).toContainText('1024 px · in tiles');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download PNG/ }).click();
  const bytes = new Uint8Array(readFileSync(await (await download).path()));
  const png = PNG.sync.read(Buffer.from(bytes));
  expect([png.width, png.height]).toEqual([1024, 768]);
  const record = JSON.parse(
    extractChunks(bytes)
      .filter((c) => c.name === 'tEXt')
      .map((c) => pngText.decode(c.data))
      .find((t) => t.keyword === 'style-transfer')!.text,
  );
  expect(record).toMatchObject({ outputLongSide: 1024, maxIterations: 2, iteration: 2 });
  // A styled image, not a flat one: the pixels vary.
  let min = 255;
  let max = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    min = Math.min(min, png.data[i]);
    max = Math.max(max, png.data[i]);
  }
  expect(max - min).toBeGreaterThan(20);
  expect(errors).toEqual([]);
});
