/**
 * Accessibility (issue 12): axe-core (through @axe-core/playwright) finds no serious or critical
 * WCAG 2.1 A/AA violation on the page idle, mid-run and finished, with every setting unfolded
 * and the compare divider on the result.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { prepareDemoRun, startRun, useDemoWeights, waitForIteration } from './helpers';

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target).join(' | ')}`);
}

test('no serious or critical axe violations idle, running and finished', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await useDemoWeights(page);
  expect(await seriousViolations(page), 'idle').toEqual([]);

  await page.getByRole('button', { name: 'Try samples' }).click();
  await expect(page.getByTestId('size-content')).toContainText('320×240 px');
  await prepareDemoRun(page, { longSide: 64, iterations: 6 });
  await startRun(page);
  await waitForIteration(page, 1, 180_000);
  await expect(page.getByTestId('run-state')).toHaveText('running');
  expect(await seriousViolations(page), 'running').toEqual([]);

  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 180_000 });
  await expect(page.getByRole('slider', { name: 'Compare with the content image' })).toBeVisible();
  await page.getByText('Details', { exact: true }).click();
  expect(await seriousViolations(page), 'finished').toEqual([]);
});
