/** The bounds of the typed settings: refused inline, with the value in force kept. */
import { test, expect, type Page } from '@playwright/test';
import { typeInto } from './helpers';

async function refuses(page: Page, label: string, typed: string, message: string, kept: string) {
  const field = page.getByLabel(label);
  await typeInto(field, typed);
  await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
  await expect(field).toHaveValue(kept);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
}

test('style strength, learning rate and seed refuse absurd values inline, as the size field does', async ({
  page,
}) => {
  await page.goto('/');
  await refuses(
    page,
    'Style strength (β/α) value',
    '1e9',
    '1000000000 is out of range: enter 0 to 1000000.',
    '4',
  );
  await refuses(page, 'Learning rate value', '0', '0 is out of range: enter 0.001 to 1000.', '5');
  await refuses(
    page,
    'Learning rate value',
    '1e9',
    '1000000000 is out of range: enter 0.001 to 1000.',
    '5',
  );
  await refuses(page, 'Seed', '1e9', '1000000000 is out of range: enter 0 to 999999.', '42');
  // In range, each is taken.
  await typeInto(page.getByLabel('Learning rate value'), '0.5');
  await expect(page.getByLabel('Learning rate value')).toHaveValue('0.5');
  await typeInto(page.getByLabel('Seed'), '123456');
  await expect(page.getByLabel('Seed')).toHaveValue('123456');
});
