/** A downloaded PNG carries the run's settings; dropping it back on the page restores them. */
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import extractChunks from 'png-chunks-extract';
import * as pngText from 'png-chunk-text';
import { PNG } from 'pngjs';
import {
  dropBytes,
  dropContentAndStyle,
  fillAndEnter,
  prepareDemoRun,
  startRun,
  useShallowLayers,
} from './helpers';

test('download, reset, drop the PNG back: "restore these settings" brings them back', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await dropContentAndStyle(page);
  await useShallowLayers(page, 'block2_conv2');
  await fillAndEnter(page, 'Content weight α value', '25.7');
  await fillAndEnter(page, 'Style weight β value', '123');
  await fillAndEnter(page, 'block2_conv1 value', '0.5');
  await prepareDemoRun(page, { longSide: 64, iterations: 2 });
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 180_000 });

  const downloadEvent = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download PNG/ }).click();
  const download = await downloadEvent;
  const bytes = new Uint8Array(readFileSync(await download.path()));
  // Still an ordinary PNG at the output size, now with one tEXt chunk of JSON.
  const png = PNG.sync.read(Buffer.from(bytes));
  expect([png.width, png.height]).toEqual([64, 48]);
  const texts = extractChunks(bytes)
    .filter((c) => c.name === 'tEXt')
    .map((c) => pngText.decode(c.data));
  expect(texts.map((t) => t.keyword)).toEqual(['style-transfer']);
  const record = JSON.parse(texts[0].text);
  expect(record).toMatchObject({
    iteration: 2,
    weights: 'demo',
    outputLongSide: 64,
    maxIterations: 2,
    settings: { alpha: 25.7, beta: 123, contentLayer: 'block2_conv2' },
  });
  expect(record.appVersion).toMatch(/^\d+\.\d+\.\d+/);

  // Everything back to other values.
  await page.getByRole('button', { name: 'Reset settings to defaults' }).click();
  await fillAndEnter(page, 'Iterations', '9');
  await fillAndEnter(page, 'Output long side (px)', '128');
  await expect(page.getByLabel('Content weight α value')).toHaveValue('10');

  // Dropped outside the image boxes: the offer names the iteration and the weights.
  await dropBytes(page, page.locator('header'), bytes, download.suggestedFilename());
  const offer = page.getByTestId('restore-offer');
  await expect(offer).toContainText('iteration 2');
  await expect(offer).toContainText('demo weights');
  await offer.getByRole('button', { name: 'Restore these settings' }).click();
  await expect(offer).toHaveCount(0);
  await expect(page.getByLabel('Content weight α value')).toHaveValue('25.7');
  await expect(page.getByLabel('Style weight β value')).toHaveValue('123');
  await expect(page.getByLabel('block2_conv1 value')).toHaveValue('0.5');
  await expect(page.getByLabel('Content layer')).toHaveValue('block2_conv2');
  await expect(page.getByRole('button', { name: 'Remove block5_conv1' })).toHaveCount(0);
  await expect(page.getByLabel('Iterations')).toHaveValue('2');
  await expect(page.getByLabel('Output long side (px)')).toHaveValue('64');

  // Dropped on an image box it is taken as the image and offered too; Dismiss keeps the page as is.
  await fillAndEnter(page, 'Content weight α value', '3');
  await dropBytes(page, page.getByTestId('dropzone-content'), bytes, 'result.png');
  await expect(page.getByTestId('size-content')).toContainText('result.png · 64×48 px');
  await offer.getByRole('button', { name: 'Dismiss' }).click();
  await expect(offer).toHaveCount(0);
  await expect(page.getByLabel('Content weight α value')).toHaveValue('3');
});
