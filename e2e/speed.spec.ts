/**
 * Speed plumbing as a visitor meets it: the page is cross-origin isolated (so tfjs-wasm gets its
 * threaded build), wasm runs more than one thread on this machine, Auto picks the backend that its
 * own calibration measured fastest, and Pause takes effect within one iteration, saying so meanwhile.
 */
import { expect, test } from '@playwright/test';
import {
  dropContentAndStyle,
  iteration,
  prepareDemoRun,
  startRun,
  useDemoWeights,
  waitForIteration,
} from './helpers';

test.describe('first visit', () => {
  // No stored calibration: this is what a new visitor's browser does.
  test.use({ storageState: { cookies: [], origins: [] } });

  test('isolated page, calibration, Auto takes the fastest measured backend, threads', async ({
    page,
  }) => {
    await page.goto('/');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await useDemoWeights(page);
    // A first visit has no cached figures: the worker measures each backend once.
    await expect(page.getByTestId('calibrating')).toBeVisible({ timeout: 120_000 });
    const table = page.getByTestId('calibration');
    await expect(table).toBeAttached({ timeout: 300_000 });
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        backend: tr.getAttribute('data-backend') ?? '',
        ms: tr.getAttribute('data-ms') === '' ? null : Number(tr.getAttribute('data-ms')),
      })),
    );
    const timed = rows.filter((r) => r.ms !== null) as { backend: string; ms: number }[];
    expect(timed.length).toBeGreaterThanOrEqual(1);
    const fastest = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
    console.log(`calibration: ${JSON.stringify(rows)}`);
    await expect(page.getByTestId('backend')).toContainText(`Backend: ${fastest.backend}`);
    // On this machine (software WebGL, 2 cores) that is wasm, with a thread per core.
    expect(fastest.backend).toBe('wasm');
    const threads = Number(await page.getByTestId('threads').getAttribute('data-value'));
    expect(threads).toBeGreaterThan(1);
    // The measured pass gives the time an iteration will take at the chosen size.
    await expect(page.getByTestId('iteration-estimate')).toContainText(/about .* per iteration at/);

    // A returning visitor reuses the cached figures: no second measurement.
    await page.reload();
    // The demo weights were the last choice: they load again by themselves.
    await expect(page.getByTestId('demo-label')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('backend')).toContainText(`Backend: ${fastest.backend}`);
    await expect(page.getByTestId('calibrating')).toHaveCount(0);
  });
});

test('Pause takes effect within one iteration and says "Pausing…" meanwhile', async ({ page }) => {
  await page.goto('/');
  await dropContentAndStyle(page);
  await prepareDemoRun(page, { longSide: 160, iterations: 50 });
  await startRun(page);
  await waitForIteration(page, 2, 300_000);
  const pauseButton = page.getByRole('button', { name: /^Paus/ });
  await pauseButton.click();
  const clickedAt = await iteration(page);
  // A 160 px step takes about a second here: the page says what it is waiting for.
  await expect(page.getByRole('button', { name: 'Pausing…' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible({ timeout: 120_000 });
  expect(await iteration(page)).toBeLessThanOrEqual(clickedAt + 1);
  await page.waitForTimeout(1500);
  expect(await iteration(page)).toBeLessThanOrEqual(clickedAt + 1);
});

// On webgl a step's readback waits for the GPU, so Pause and Stop arrive while the step is in
// flight (on wasm the step holds the worker's thread and they land between steps).
test('Stop while "Pausing…" wins on webgl: the run ends stopped, not paused', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await page.getByLabel('Backend').selectOption('webgl');
  await dropContentAndStyle(page);
  await prepareDemoRun(page, { longSide: 128, iterations: 50 });
  await page.getByLabel('Coarse to fine (stages doubling up to the output size)').uncheck();
  await startRun(page);
  await waitForIteration(page, 1, 240_000);
  await page.getByRole('button', { name: /^Paus/ }).click();
  await expect(page.getByRole('button', { name: 'Pausing…' })).toBeDisabled();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped', { timeout: 120_000 });
  // The pause that was waiting for the same step must not come back after it.
  await page.waitForTimeout(3000);
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
});
