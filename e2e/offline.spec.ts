/**
 * The offline app: after one visit the service worker serves the app shell, the worker and the
 * wasm binaries, the weights come from IndexedDB, and a run works with no network at all.
 */
import { test, expect } from '@playwright/test';
import {
  collectPageErrors,
  dropContentAndStyle,
  prepareDemoRun,
  startRun,
  useShallowLayers,
  waitForIteration,
} from './helpers';

test('visit once, go offline, reload: the page is served by the service worker and runs three iterations', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  const first = await page.goto('/');
  const coep = first?.headers()['cross-origin-embedder-policy'] ?? null;
  const isolatedOnline = await page.evaluate(() => crossOriginIsolated);
  // The page is isolated exactly when the server sends COOP/COEP (vite preview does).
  expect(isolatedOnline).toBe(coep === 'require-corp');
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute(
    'href',
    '/manifest.webmanifest',
  );
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toContain('512x512');

  // The visit: demo weights into IndexedDB, the service worker installed and in control.
  await prepareDemoRun(page, { longSide: 64, iterations: 3 });
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      message: 'the service worker controls the page',
    })
    .toBe(true);

  await context.setOffline(true);
  const offline = await page.reload();
  expect(offline?.fromServiceWorker()).toBe(true);
  // The cached response kept its headers: isolation and the CSP hold offline too.
  expect(offline?.headers()['cross-origin-embedder-policy'] ?? null).toBe(coep);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolatedOnline);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await expect(page.getByTestId('weights-status')).toContainText('Demo weights loaded from cache', {
    timeout: 120_000,
  });

  await dropContentAndStyle(page);
  await useShallowLayers(page, 'block2_conv2');
  await startRun(page);
  await waitForIteration(page, 3, 180_000);
  await expect(page.getByTestId('run-state')).toHaveText('done');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});
