/**
 * Weights in the page: the first visit downloads them with a byte progress bar, a reload comes from
 * IndexedDB with the server's model files blocked, and a dropped Keras .h5 is converted in the
 * browser and cached (a bad one is refused and caches nothing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { randomVgg16Weights } from '../src/model/randomWeights';
import { kerasLayersFromRaw, writeKerasH5 } from '../src/model/writeKerasH5';

const TMP = join(import.meta.dirname, '..', 'test-results', 'weights-e2e');

test.describe.configure({ mode: 'serial' });

/** Every model file the server has, answered "blocked": only the IndexedDB cache can serve them. */
async function blockModelFiles(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  await page.context().route('**/models/**', (route) => {
    blocked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  return blocked;
}

test('first visit downloads the demo weights with a byte progress bar; a reload loads them from IndexedDB offline', async ({
  page,
}) => {
  await page
    .context()
    .route('**/models/vgg16/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  // Slow every shard a little so a person (and this test) can see the bar move.
  await page.context().route('**/models/vgg16-demo/*.bin', async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  // No pretrained weights here: the page falls back to the demo ones by itself.
  await page.goto('/');
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        // One non-waiting read: the bar may vanish at any moment once loading ends.
        const fraction = await page.evaluate(() => {
          const bar = document.querySelector<HTMLProgressElement>(
            'progress[aria-label="Weights loading"]',
          );
          return bar && bar.max > 1 && bar.value > 0 ? bar.value / bar.max : null;
        });
        if (fraction !== null) seen.push(fraction);
        return page.getByTestId('weights-status').isVisible();
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBe(true);
  await expect(page.getByTestId('weights-status')).toContainText(
    'Demo weights loaded from network (29.4 MB)',
  );
  // The bar showed partial progress that only went up.
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(seen.some((f) => f < 1)).toBe(true);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);

  const blocked = await blockModelFiles(page);
  await page.reload();
  await expect(page.getByTestId('weights-status')).toContainText(
    'Demo weights loaded from cache (29.4 MB)',
    { timeout: 120_000 },
  );
  // The demo weights needed nothing from the server but a look at their small model.json (is the
  // cached copy still the served recipe?), which failing leaves the cache standing: no shard was
  // asked for (the page also looked again, in vain, for pretrained ones before falling back).
  expect(blocked.filter((u) => u.includes('/vgg16-demo/'))).toEqual([
    expect.stringMatching(/\/vgg16-demo\/model\.json$/),
  ]);
  await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled(); // no images yet
});

test('a dropped Keras .h5 is converted in the browser, cached, and used offline after a reload', async ({
  page,
}) => {
  mkdirSync(TMP, { recursive: true });
  const good = join(TMP, 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5');
  writeFileSync(good, await writeKerasH5(kerasLayersFromRaw(randomVgg16Weights(7))));
  const truncated = join(TMP, 'truncated.h5');
  writeFileSync(
    truncated,
    (await writeKerasH5(kerasLayersFromRaw(randomVgg16Weights(7)))).slice(0, 2_000_000),
  );

  await page
    .context()
    .route('**/models/vgg16/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await expect(page.getByText('No pretrained VGG16 weights were found.')).toBeVisible();
  await expect(page.getByTestId('demo-label')).toBeVisible({ timeout: 120_000 });

  // A truncated file: a clear error, nothing cached, and the demo weights stay in use.
  await page.getByLabel('VGG16 .h5 weights file').setInputFiles(truncated);
  await expect(page.getByTestId('weights-problem')).toContainText(/truncated/i, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('demo-label')).toBeVisible();

  await page.getByLabel('VGG16 .h5 weights file').setInputFiles(good);
  await expect(page.getByTestId('weights-status')).toContainText(
    'Pretrained VGG16 weights loaded from file',
    { timeout: 120_000 },
  );
  await expect(page.getByTestId('demo-label')).toHaveCount(0);

  await blockModelFiles(page);
  await page.reload();
  await expect(page.getByTestId('weights-status')).toContainText(
    'Pretrained VGG16 weights loaded from cache',
    { timeout: 120_000 },
  );
});
