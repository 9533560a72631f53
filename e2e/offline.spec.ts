/**
 * The offline app: after one visit the service worker serves the app shell, the worker and the
 * wasm binaries, the weights come from IndexedDB, and a run works with no network at all.
 */
import { test, expect, type Response } from '@playwright/test';
import {
  collectPageErrors,
  dropContentAndStyle,
  prepareDemoRun,
  startRun,
  useShallowLayers,
  waitForIteration,
} from './helpers';

const ISOLATION_AND_CSP = [
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'content-security-policy',
] as const;

test('visit once, go offline, reload: the page is served by the service worker and runs three iterations', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  const first = await page.goto('/');
  const online = first?.headers() ?? {};
  // vite preview sends cross-origin isolation (threads) and the CSP (vite.config.ts).
  expect(online['cross-origin-opener-policy']).toBe('same-origin');
  expect(online['cross-origin-embedder-policy']).toBe('require-corp');
  expect(online['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
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
  // Workers obey their own script's headers, not the page's: the style worker's must hold too.
  const workerScripts: Response[] = [];
  page.on('response', (r) => {
    if (/styleWorker[^/]*\.js$/.test(new URL(r.url()).pathname)) workerScripts.push(r);
  });
  const offline = await page.reload();
  expect(offline?.fromServiceWorker()).toBe(true);
  // The cached responses kept their headers: isolation and the CSP hold offline, present and
  // the same as online (the same would also hold with both missing).
  const offlineHeaders = offline?.headers() ?? {};
  for (const name of ISOLATION_AND_CSP) expect(offlineHeaders[name], name).toBe(online[name]);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await expect(page.getByTestId('weights-status')).toContainText('Demo weights loaded from cache', {
    timeout: 120_000,
  });

  await dropContentAndStyle(page);
  await useShallowLayers(page, 'block2_conv2');
  await startRun(page);
  await waitForIteration(page, 3, 180_000);
  expect(workerScripts.length, 'the style worker script was fetched offline').toBeGreaterThan(0);
  for (const r of workerScripts) {
    expect(r.fromServiceWorker()).toBe(true);
    const h = r.headers();
    for (const name of ISOLATION_AND_CSP) expect(h[name], `worker ${name}`).toBe(online[name]);
  }
  await expect(page.getByTestId('run-state')).toHaveText('done');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});
