/**
 * Nothing leaves the machine: a whole run requests only the app's own files, and the
 * Content-Security-Policy (header and meta) holds with tfjs' wasm and webgl backends and h5wasm.
 */
import { test, expect } from '@playwright/test';
import { collectPageErrors, prepareShallowRun, startRun, waitForIteration } from './helpers';

test('a whole run requests only same-origin files and trips no CSP rule', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  // Context level: the worker's requests (wasm, model files) count too.
  context.on('request', (r) => requests.push(r.url()));
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/404 \(Not Found\)/.test(m.text())) consoleErrors.push(m.text());
  });
  const pageErrors = collectPageErrors(page);
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });

  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toMatch(/'unsafe-eval'/);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
    'content',
    /default-src 'self'/,
  );

  // The wasm backend runs a few iterations (chosen: Auto may pick another on this device).
  await page.getByLabel('Backend').selectOption('wasm');
  await prepareShallowRun(page, 'block2_conv2', { longSide: 64, iterations: 3 });
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm');
  await startRun(page);
  await waitForIteration(page, 3);
  const downloadEvent = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download PNG/ }).click();
  await downloadEvent;

  // The webgl backend compiles its shaders under the same policy.
  await page.getByLabel('Backend').selectOption('webgl');
  await expect(page.getByTestId('backend')).toContainText('Backend: webgl');
  await startRun(page);
  await waitForIteration(page, 1, 180_000);
  await page.getByRole('button', { name: 'Stop' }).click();

  // h5wasm compiles its wasm and rejects a file that is HDF5 only by its signature.
  const fakeH5 = Buffer.concat([
    Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(2048, 7),
  ]);
  await page.getByLabel('VGG16 .h5 weights file').setInputFiles({
    name: 'broken.h5',
    mimeType: 'application/x-hdf5',
    buffer: fakeH5,
  });
  await expect(page.getByText(/Weights could not be loaded/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/Content-Security-Policy|unsafe-eval|CompileError/i)).toHaveCount(0);

  const violations = await page.evaluate(
    () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
  );
  expect(violations).toEqual([]);
  expect(consoleErrors.filter((t) => /Content Security Policy|Refused to/i.test(t))).toEqual([]);
  expect(pageErrors).toEqual([]);
  // The page's error line (the weights panel's own alert about broken.h5 is expected).
  await expect(page.locator('p.error')).toHaveCount(0);

  expect(requests.length).toBeGreaterThan(5);
  const foreign = requests.filter(
    (u) => !u.startsWith(`${origin}/`) && !u.startsWith(`blob:${origin}/`),
  );
  expect(foreign).toEqual([]);
  // What the run fetched: the page, its scripts, the worker, wasm and the demo model, nothing else.
  expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
  expect(requests.some((u) => u.includes('/models/vgg16-demo/'))).toBe(true);
  console.log(`privacy: ${requests.length} requests, all same-origin`);
});
