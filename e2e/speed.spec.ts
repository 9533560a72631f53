/**
 * Speed plumbing as a visitor meets it: the page is cross-origin isolated (so tfjs-wasm gets its
 * threaded build), Auto runs on the backend that the page's own figures give the shortest run at
 * the chosen size (on whatever device: no ranking of this machine's is assumed), and Pause takes
 * effect within one iteration, saying so meanwhile. The first visit is e2e/plan.spec.ts.
 */
import { expect, test } from '@playwright/test';
import {
  dropContentAndStyle,
  iteration,
  prepareDemoRun,
  startRun,
  waitForIteration,
} from './helpers';

test('Auto runs on the backend its own figures give the shortest run at this size; a returning visitor measures nothing', async ({
  page,
}) => {
  await page.goto('/');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  // The figures from the first visit (e2e/calibration.setup.ts) are reused: nothing is measured.
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('calibrating')).toHaveCount(0);
  await dropContentAndStyle(page);
  // A budget the run cannot finish before Stop is clicked (3 iterations once ended first on CI).
  await prepareDemoRun(page, { longSide: 96, iterations: 500 });
  // Before Start, the estimate names the backend the run will go to; the page's own table says
  // what each backend measured.
  const planned = (await page.getByTestId('estimate').getAttribute('data-backend'))!;
  await page.getByText('Details', { exact: true }).click();
  const rows = await page
    .getByTestId('calibration')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-backend')));
  expect(rows).toContain(planned);
  await startRun(page);
  await waitForIteration(page, 1, 240_000);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', planned);
  await page.getByRole('button', { name: 'Stop' }).click();
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
  // 64 px keeps a SwiftShader step at a few seconds (128 px took 16 s), still long enough that
  // Pause and Stop both land while it is in flight.
  await prepareDemoRun(page, { longSide: 64, iterations: 50 });
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
