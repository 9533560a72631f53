/**
 * The WebGPU backend, driven as a person would choose it. Headless Chromium here offers a
 * SwiftShader WebGPU adapter behind a flag (slower than WebGL on this machine, but the same path a
 * GPU takes): its readbacks must all be async, or the device is lost.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browserFlags';
import { prepareShallowRun, startRun, waitForIteration } from './helpers';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'],
  },
});

test('the webgpu backend runs iterations (async readbacks only)', async ({ page }) => {
  await page.goto('/');
  await prepareShallowRun(page, 'block2_conv2', { longSide: 64, iterations: 3 });
  await page.getByLabel('Backend').selectOption('webgpu');
  await expect(page.getByTestId('backend')).toContainText('Backend: webgpu', { timeout: 60_000 });
  await startRun(page);
  await waitForIteration(page, 3, 300_000);
  await expect(page.getByTestId('backend')).toContainText('Backend: webgpu');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
