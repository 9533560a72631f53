import { test, expect } from '@playwright/test';
import { collectPageErrors } from './helpers';

test('the built page loads in Chromium', async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(errors).toEqual([]);
});
