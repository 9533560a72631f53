/**
 * Work kept across a reload: the images, the settings and the latest result with its iteration
 * come back, Resume counts on from that iteration, leaving a page with progress not downloaded
 * asks first, and a browser that refuses IndexedDB (or is full) says so while the page works on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import {
  canvasPixels,
  collectPageErrors,
  colouredFraction,
  dropBytes,
  dropContentAndStyle,
  dropFile,
  iteration,
  meanAbsDiff,
  outputPixels,
  prepareDemoRun,
  readValue,
  startRun,
  typeInto,
  useShallowLayers,
  waitForIteration,
} from './helpers';

const SECOND_STYLE = join(import.meta.dirname, '..', 'public', 'samples', 'brush-strokes.png');

/** Two images and the cheapest run there is (one block of VGG16, single scale, 64 px). */
async function setup(page: Page, iterations: number): Promise<void> {
  await dropContentAndStyle(page);
  await useShallowLayers(page, 'block1_conv2');
  await page.getByLabel(/^Coarse to fine/).uncheck();
  await typeInto(page.getByLabel('Content weight α value'), '25');
  await prepareDemoRun(page, { longSide: 64, iterations });
}

test('a reload brings back the images, the settings and the latest result; Resume counts on from its iteration', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await page.goto('/');
  await setup(page, 40);
  // A second style, blended with the first.
  const blend = page.getByTestId('style-blend');
  await dropBytes(page, blend, readFileSync(SECOND_STYLE), 'brush-strokes.png');
  await expect(page.getByTestId('size-style2')).toContainText('brush-strokes.png');
  await startRun(page);
  await waitForIteration(page, 10);
  // Paused from the keyboard: the focus stays on the button, which turns into Resume.
  await page.getByRole('button', { name: 'Pause' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeFocused();
  const n = await iteration(page);
  // The pause snapshot is the result kept for the next visit: wait until it is stored.
  await expect(page.getByRole('button', { name: `Show snapshot at iteration ${n}` })).toBeVisible();
  // Compared as exact pixels (a setting kept across the reload), output pixel by output pixel.
  await page.getByLabel('Exact pixels').check();
  const kept = async () => outputPixels(await canvasPixels(page), 64, 48);
  const before = await kept();
  expect(colouredFraction(before)).toBeGreaterThan(0.2);

  await page.reload();
  // While the weights load, the page says the result is on its way, not "idle".
  await expect(page.getByTestId('run-state')).toHaveText('Restoring…');
  await expect(page.getByTestId('restoring')).toBeVisible();
  await expect(page.getByTestId('size-content')).toContainText('content.png');
  await expect(page.getByTestId('size-style')).toContainText('style.png');
  await expect(page.getByTestId('size-style2')).toContainText('brush-strokes.png');
  await expect(page.getByLabel('Content weight α value')).toHaveValue('25');
  await expect(page.getByLabel(/^Coarse to fine/)).not.toBeChecked();
  await expect(page.getByLabel('Output long side (px)')).toHaveValue('64');
  await expect(page.getByLabel('Exact pixels')).toBeChecked();
  const note = page.getByTestId('restored-note');
  await expect(note).toContainText(`Iteration ${n} (restored)`, { timeout: 120_000 });
  await expect(page.getByTestId('iteration')).toHaveAttribute('data-value', String(n));
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
  // The restored result compares with its content, as a live one does.
  await expect(page.getByRole('slider', { name: 'Compare with the content image' })).toBeVisible();
  // Its losses were not kept: the chart says so instead of showing an empty box.
  await expect(page.getByTestId('loss-empty')).toContainText('not kept');
  // The Restart prompt says the result is kept in History, not lost.
  await page.getByRole('button', { name: 'Restart' }).click();
  await expect(page.getByTestId('restart-warning')).toHaveText(
    `Restart from the beginning? The result at iteration ${n} stays in History, where you can show, download or continue it.`,
  );
  await page.getByRole('button', { name: 'Keep this run' }).click();
  // The same pixels as before the reload (the kept PNG is lossless); polled, as the worker's
  // canvas shows a drawing at its next frame.
  await expect
    .poll(async () => meanAbsDiff(before, await kept()), {
      message: 'the canvas shows the kept result',
    })
    .toBeLessThan(1);

  const resume = page.getByRole('button', { name: 'Resume' });
  await expect(resume).toBeEnabled();
  await resume.click();
  await expect(note).toHaveCount(0);
  await expect(page.getByTestId('run-state')).toHaveText(/starting|running/);
  // It counts on from n: the first change of the counter is past n (a restart would show 0, 1…).
  await expect.poll(() => iteration(page), { timeout: 120_000 }).not.toBe(n);
  expect(await iteration(page)).toBeGreaterThan(n);
  await waitForIteration(page, n + 2);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
  const resumed = await readValue(page, 'loss-total');

  // Against one iteration from scratch: the resumed run went on from the kept image, far along.
  await typeInto(page.getByLabel('Iterations'), '1');
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('iteration')).toHaveAttribute('data-value', '1');
  const fresh = await readValue(page, 'loss-total');
  console.log(`J: resumed from iteration ${n}: ${resumed}; one iteration from scratch: ${fresh}`);
  expect(resumed).toBeLessThan(0.7 * fresh);
  expect(errors).toEqual([]);
});

test('leaving a page whose run has progress asks first; after Download it does not', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  // A fresh page with a click on it (browsers only ask after the person interacted): no question.
  const fresh = await context.newPage();
  await fresh.goto('/');
  await fresh.getByLabel('Content weight α value').click();
  const freshDialogs: string[] = [];
  fresh.on('dialog', (d) => {
    freshDialogs.push(d.type());
    void d.accept();
  });
  const freshClosed = fresh.waitForEvent('close');
  await fresh.close({ runBeforeUnload: true });
  await freshClosed;
  expect(freshDialogs).toEqual([]);

  await page.goto('/');
  await setup(page, 3);
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });

  // Progress not downloaded: the browser asks; staying keeps the page.
  const asked = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();
  await expect(page.getByTestId('iteration')).toHaveAttribute('data-value', '3');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Download PNG/ }).click();
  await download;
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
  expect(dialogs).toEqual([]);
});

test('without IndexedDB the page says nothing can be kept across reloads, and works on', async ({
  page,
}) => {
  // The page's own IndexedDB refuses to open (as in some private modes); the worker's is untouched.
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  await page.goto('/');
  await expect(page.getByTestId('session-problem')).toContainText(
    'Your images and results cannot be kept across reloads here',
  );
  await expect(page.getByTestId('session-problem')).toContainText('SecurityError');
  await dropContentAndStyle(page);
  await expect(page.getByTestId('size-style')).toContainText('style.png');
  await prepareDemoRun(page, { longSide: 64, iterations: 1 });
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
});

test('a full storage is named for the image that cannot be kept', async ({ page }) => {
  // Every write to the session's store fails as a full disk does.
  await page.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.goto('/');
  await dropFile(page, page.getByTestId('dropzone-content'), 'content.png');
  await expect(page.getByTestId('size-content')).toContainText('content.png');
  await expect(page.getByTestId('session-problem')).toHaveText(
    /storage is full: the content image cannot be kept across a reload/,
  );
});
