/**
 * Spatial control (issue 22): paint a region with the pointer, fill another by keyboard, run with
 * the mask; it survives a reload, comes back from a downloaded PNG, and the editor passes axe.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import extractChunks from 'png-chunks-extract';
import {
  collectPageErrors,
  dropBytes,
  prepareShallowRun,
  startRun,
  waitForIteration,
} from './helpers';

async function shares(page: Page): Promise<number[]> {
  const out: number[] = [];
  for (const r of [1, 2]) {
    out.push(parseInt((await page.getByTestId(`mask-share-${r}`).textContent()) ?? '', 10));
  }
  return out;
}

test('paint, fill by keyboard, run; kept across a reload and in the downloaded PNG', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const errors = collectPageErrors(page);
  await page.goto('/');
  await prepareShallowRun(page, 'block1_conv2', { longSide: 32, iterations: 40 });
  const panel = page.getByTestId('mask-panel');
  await panel.getByLabel('Use the mask in runs').check();
  const canvas = page.getByTestId('mask-canvas');
  await expect(canvas).toBeVisible();
  await expect.poll(() => shares(page)).toEqual([100, 0]);

  // Region 2 first, with the brush: press, move down the left edge, release (real pointer events).
  await panel.getByRole('radio', { name: /^Region 2/ }).check();
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + box.width * 0.1, box.y + (box.height * i) / 10 - 2);
  }
  await page.mouse.up();
  await expect.poll(async () => (await shares(page))[1]).toBeGreaterThan(3);
  const painted = await shares(page);
  expect(painted[1]).toBeLessThan(40);

  // Keyboard: region 1, cursor to the right, fill the unpainted area right of the stroke.
  await canvas.focus();
  await canvas.press('1');
  await expect(panel.getByRole('radio', { name: /^Region 1/ })).toBeChecked();
  for (let i = 0; i < 8; i++) await canvas.press('ArrowRight');
  await canvas.press('f');
  // The filled area now counts as region 1 painted; undo/redo keep it.
  await panel.getByRole('button', { name: 'Undo' }).click();
  await panel.getByRole('button', { name: 'Redo' }).click();
  const before = await shares(page);
  expect(before[0] + before[1]).toBeGreaterThanOrEqual(99);
  expect(before[1]).toBe(painted[1]);
  await panel.getByLabel('Job of region 2').selectOption('content');

  const axe = await new AxeBuilder({ page })
    .include('[data-testid="mask-panel"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}`);
  expect(serious).toEqual([]);

  await startRun(page);
  const applied = panel.getByTestId('mask-applied');
  await expect(applied).toHaveText('The run took the mask as of iteration 0.', {
    timeout: 120_000,
  });
  // A live edit (undo, then redo: the same mask again) reaches the run at a later iteration.
  await waitForIteration(page, 2, 120_000);
  await panel.getByRole('button', { name: 'Undo' }).click();
  await panel.getByRole('button', { name: 'Redo' }).click();
  await expect(applied).toHaveText(/as of iteration ([3-9]|\d\d)\./, { timeout: 60_000 });
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 180_000 });
  const downloadEvent = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download PNG/ }).click();
  const download = await downloadEvent;
  const bytes = new Uint8Array(readFileSync(await download.path()));
  expect(extractChunks(bytes).map((c) => c.name)).toContain('maSk');

  // A reload brings the same mask back, switched on, with its jobs.
  await page.reload();
  await expect(page.getByTestId('mask-canvas')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => shares(page)).toEqual(before);
  await expect(panel.getByLabel('Use the mask in runs')).toBeChecked();
  await expect(panel.getByLabel('Job of region 2')).toHaveValue('content');

  // Cleared, then restored from the downloaded PNG.
  await panel.getByRole('button', { name: 'Clear' }).click();
  await panel.getByLabel('Job of region 2').selectOption('style:0');
  await expect.poll(() => shares(page)).toEqual([100, 0]);
  await dropBytes(page, page.locator('header'), bytes, download.suggestedFilename());
  await page
    .getByTestId('restore-offer')
    .getByRole('button', { name: 'Restore these settings' })
    .click();
  await expect.poll(() => shares(page)).toEqual(before);
  await expect(panel.getByLabel('Job of region 2')).toHaveValue('content');
  expect(errors).toEqual([]);
});
