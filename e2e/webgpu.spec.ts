/**
 * The WebGPU backend, driven as a person would choose it. Headless Chromium here offers a
 * SwiftShader WebGPU adapter behind a flag (slower than WebGL on this machine, but the same path a
 * GPU takes): its readbacks must all be async, or the device is lost.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browserFlags';
import { dropFile, prepareDemoRun, waitForIteration, startRun } from './helpers';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'],
  },
});

test('the webgpu backend runs iterations (async readbacks only)', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, page.getByTestId('dropzone-content'), 'content.png');
  await dropFile(page, page.getByTestId('dropzone-style'), 'style.png');
  for (const layer of ['block5_conv1', 'block4_conv1', 'block3_conv1']) {
    await page.getByRole('button', { name: `Remove ${layer}` }).click();
  }
  await page.getByLabel('Content layer').selectOption('block2_conv2');
  await prepareDemoRun(page, { longSide: 64, iterations: 3 });
  await page.getByLabel('Backend').selectOption('webgpu');
  await expect(page.getByTestId('backend')).toContainText('Backend: webgpu', { timeout: 60_000 });
  await startRun(page);
  await waitForIteration(page, 3, 300_000);
  await expect(page.getByTestId('backend')).toContainText('Backend: webgpu');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
