/**
 * The page as a first-time visitor meets it (issue 12): number fields take what is typed, the
 * primary button stays legible, a wrong .h5 or a new image mid-run does not silently break the
 * run, a restart asks first, and the smaller traps (focus, keyboard paste, SVG, legend, 404 probe).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { writeKerasH5 } from '../src/model/writeKerasH5';
import {
  downloadPng,
  dropContentAndStyle,
  dropFile,
  iteration,
  startRun,
  textContrast,
  typeInto,
  useDemoWeights as demoWeights,
  waitForIteration,
} from './helpers';

const TMP = join(import.meta.dirname, '..', 'test-results', 'first-visit-e2e');

async function dropBytes(page: Page, testId: string, name: string, mime: string, text: string) {
  const dt = await page.evaluateHandle(
    ({ name, mime, text }) => {
      const d = new DataTransfer();
      d.items.add(new File([text], name, { type: mime }));
      return d;
    },
    { name, mime, text },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.getByTestId(testId).dispatchEvent(type, { dataTransfer: dt });
  }
}

test('number fields take what is typed key by key, check it on commit, and keep it across a reload', async ({
  page,
}) => {
  await page.goto('/');
  const size = page.getByLabel('Output long side (px)');
  await typeInto(size, '64');
  await expect(size).toHaveValue('64');
  await typeInto(size, '96');
  await expect(size).toHaveValue('96');
  await page.reload();
  await expect(size).toHaveValue('96');

  // Out of range (the long side goes up to 2048): said next to the field, the value in force stays.
  await typeInto(size, '5000');
  await expect(page.getByRole('alert').filter({ hasText: '5000 is out of range' })).toBeVisible();
  await expect(size).toHaveValue('96');
  await expect(size).toHaveAttribute('aria-invalid', 'true');
  await typeInto(size, '128');
  await expect(size).not.toHaveAttribute('aria-invalid');

  // Exponent notation on a log-scale weight: 1e3 is 1000, not 13.
  const beta = page.getByLabel('Style weight β value');
  await typeInto(beta, '1e3');
  await expect(beta).toHaveValue('1000');
  await typeInto(beta, 'abc');
  await expect(page.getByRole('alert').filter({ hasText: '"abc" is not a number' })).toBeVisible();
  await expect(beta).toHaveValue('1000');

  // Tab commits as well as Enter.
  const iterations = page.getByLabel('Iterations');
  await iterations.click();
  await iterations.press('ControlOrMeta+a');
  await iterations.pressSequentially('30');
  await iterations.press('Tab');
  await page.reload();
  await expect(iterations).toHaveValue('30');
  await expect(size).toHaveValue('128');
});

test('the Start label stays legible under the pointer and after a tap', async ({
  page,
  browser,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try samples' }).click();
  await demoWeights(page);
  const start = page.getByRole('button', { name: 'Start' });
  await expect(start).toBeEnabled();
  await start.hover();
  expect(await textContrast(start)).toBeGreaterThanOrEqual(4.5);

  const phone = await browser.newContext({
    viewport: { width: 390, height: 800 },
    hasTouch: true,
    isMobile: true,
  });
  const p = await phone.newPage();
  await p.goto('/');
  await p.getByRole('button', { name: 'Try samples' }).tap();
  await demoWeights(p);
  const pStart = p.getByRole('button', { name: 'Start' });
  await pStart.tap();
  await expect(p.getByTestId('run-state')).not.toHaveText('idle');
  expect(
    await textContrast(p.getByRole('button', { name: /^(Start|Restart)$/ })),
  ).toBeGreaterThanOrEqual(4.5);
  await p.getByRole('button', { name: 'Stop' }).tap();
  await phone.close();
});

test('mid-run: a .h5 that is not VGG16 leaves the weights and the run alone; a new content image is said and offered; Restart asks', async ({
  page,
}) => {
  test.setTimeout(300_000);
  mkdirSync(TMP, { recursive: true });
  // A valid HDF5 in Keras layout with no conv layer at all.
  writeFileSync(join(TMP, 'not-vgg.h5'), await writeKerasH5([]));

  await page.goto('/');
  await dropContentAndStyle(page);
  await typeInto(page.getByLabel('Output long side (px)'), '64');
  await typeInto(page.getByLabel('Iterations'), '200');
  await demoWeights(page);
  await startRun(page);
  await waitForIteration(page, 1);

  // The loss chart's legend names its curves instead of showing "--" during a run.
  await expect(page.locator('.u-legend')).toContainText('total');
  await expect(page.locator('.u-legend')).not.toContainText('--');

  // 3: the wrong .h5 is named and refused; the demo weights and the run go on.
  const h5 = [...(await import('node:fs')).readFileSync(join(TMP, 'not-vgg.h5'))];
  const dt = await page.evaluateHandle((bytes) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], 'not-vgg.h5'));
    return d;
  }, h5);
  const panel = page.getByRole('region', { name: 'Model weights' });
  for (const type of ['dragover', 'drop']) await panel.dispatchEvent(type, { dataTransfer: dt });
  const problem = page.getByTestId('weights-problem');
  await expect(problem).toContainText('from "not-vgg.h5" (it is not Keras VGG16 weights)');
  await expect(problem).toContainText('block1_conv1');
  await expect(page.getByTestId('weights-problem')).toContainText('The weights in use are kept');
  await expect(page.getByTestId('weights-status')).toContainText('Demo weights');
  await expect(page.getByTestId('run-state')).toHaveText('running');
  const after = await iteration(page);
  await waitForIteration(page, after + 1);

  // 4: a content image dropped mid-run is not used by this run: said, with a restart offered.
  await dropFile(page, page.getByTestId('dropzone-content'), 'style.png');
  await expect(page.getByTestId('size-content')).toContainText('style.png');
  const changed = page.getByTestId('inputs-changed');
  await expect(changed).toContainText('This run still uses the previous content image');
  // Same file in both slots: a notice.
  await expect(page.getByTestId('notice')).toContainText('"style.png" is now in both slots');
  await typeInto(page.getByLabel('Output long side (px)'), '96');
  await expect(changed).toContainText('output size');

  // 6: Restart asks before throwing the progress away; "Keep this run" keeps it.
  const before = await iteration(page);
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Restart the run?' });
  await expect(dialog).toContainText(`Restart from the beginning?`);
  await dialog.getByRole('button', { name: 'Keep this run' }).click();
  await expect(dialog).toHaveCount(0);
  await waitForIteration(page, before + 1);

  // Restart with the new inputs: the new run is 96 px on its long side and uses the new image.
  await changed.getByRole('button', { name: /Restart with the new/ }).click();
  await expect(changed).toHaveCount(0);
  await waitForIteration(page, 1);
  // Coarse to fine starts smaller; the PNG is at the output size whatever the stage.
  const png = await downloadPng(page);
  expect([png.width, png.height]).toEqual([96, 80]);
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('keyboard: focus stays put after "Use demo weights" and Start; a drop zone takes a paste', async ({
  page,
}) => {
  await page.goto('/');
  // Reach the content drop zone with Tab alone, then paste into it (and Tab on to the style zone).
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const slot = await page.evaluate(() => document.activeElement?.getAttribute('data-slot'));
    if (slot === 'content') break;
  }
  await expect(page.getByTestId('dropzone-content')).toBeFocused();
  const paste = async (name: string) => {
    const bytes = [
      ...(await import('node:fs')).readFileSync(join(import.meta.dirname, 'fixtures', name)),
    ];
    await page.evaluate(
      ({ bytes, name }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
        document.activeElement!.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }),
        );
      },
      { bytes, name },
    );
  };
  await paste('content.png');
  await expect(page.getByTestId('size-content')).toContainText('content.png');
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const slot = await page.evaluate(() => document.activeElement?.getAttribute('data-slot'));
    if (slot === 'style') break;
  }
  await expect(page.getByTestId('dropzone-style')).toBeFocused();
  await paste('style.png');
  await expect(page.getByTestId('size-style')).toContainText('style.png');

  // The page fell back to the demo weights; asking for pretrained ones by keyboard keeps the focus
  // on the panel's answer (the buttons are disabled, or vanish, meanwhile).
  await expect(page.getByTestId('demo-label')).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Use pretrained weights' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pretrained-checked')).toBeVisible();
  // The answer takes the focus once it is shown (an effect after that render).
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');

  await typeInto(page.getByLabel('Output long side (px)'), '64');
  const start = page.getByRole('button', { name: 'Start' });
  await start.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-state')).not.toHaveText('idle');
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('"Use pretrained weights" without any says so visibly; an SVG is refused as a vector image; no 404 in the console', async ({
  page,
}) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  // A server without pretrained weights, wherever this runs (a probe of them would 404 and log).
  await page.route('**/models/index.json', (route) =>
    route.fulfill({ json: { models: ['vgg16-demo'] } }),
  );
  const probes: string[] = [];
  await page.route('**/models/vgg16/**', (route) => {
    probes.push(route.request().url());
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto('/');
  await expect(page.getByText('No pretrained VGG16 weights were found.')).toBeVisible();
  // The page learnt from the server's model index that there are none: no 404 probe, no error.
  expect(probes).toEqual([]);
  expect(consoleErrors).toEqual([]);

  await page.getByRole('button', { name: 'Use pretrained weights' }).click();
  await expect(page.getByTestId('pretrained-checked')).toBeVisible();
  await expect(page.getByTestId('pretrained-checked')).toContainText('Looked again just now');

  await dropBytes(
    page,
    'dropzone-content',
    'drawing.svg',
    'image/svg+xml',
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
  );
  await expect(page.getByRole('alert').first()).toContainText('vector images are not supported');
  await expect(page.getByRole('alert').first()).not.toContainText('text file');
});

test("before Start: defaults and an estimate from this device's figures; after Start: a preparing clock; after a run: the settings as set, the figures from the run", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/');
  // The backends were measured (e2e/calibration.setup.ts), no size was set by hand: the defaults
  // are what the figures suggest for a first result in about two minutes.
  const size = page.getByLabel('Output long side (px)');
  const iterations = page.getByLabel('Iterations');
  const estimate = page.getByTestId('estimate');
  await expect(estimate).toContainText('measured here on');
  const suggestion = page.getByTestId('size-suggestion');
  await expect(suggestion).toContainText(/\d+ px, \d+ iterations/);
  const [, side, its] = /(\d+) px, (\d+) iterations/.exec((await suggestion.textContent()) ?? '')!;
  await expect(size).toHaveValue(side);
  await expect(iterations).toHaveValue(its);
  // About two minutes, unless even the smallest size needs more (then fewer iterations there).
  if (side !== '64')
    expect(Number(await estimate.getAttribute('data-seconds'))).toBeLessThanOrEqual(125);
  await page.getByRole('button', { name: 'Try samples' }).click();
  await demoWeights(page);
  await typeInto(size, '64');
  await typeInto(iterations, '8');
  // 320×240 samples at 64 px: 64×48.
  await expect(estimate).toContainText('for 8 iterations at 64×48 px');

  await startRun(page);
  await expect(page.getByTestId('preparing')).toContainText('Preparing');
  await waitForIteration(page, 2);
  await expect(page.getByTestId('preparing')).toHaveCount(0);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });

  // The run's own steps now carry the estimate; nothing the person set has moved.
  await expect(estimate).toContainText('measured here by runs');
  await expect(size).toHaveValue('64');
  await expect(iterations).toHaveValue('8');
  await expect(page.getByTestId('inputs-changed')).toHaveCount(0);
  // The suggestion is offered, not applied.
  await expect(suggestion.getByRole('button', { name: 'Use these' })).toBeVisible();

  // A size typed by hand is kept, and the estimate follows it: 4× the pixels cost more, but less
  // than 4× the time (an iteration has a fixed part).
  const before = Number(await estimate.getAttribute('data-ms'));
  await typeInto(size, '128');
  await expect(estimate).toContainText('at 128×96 px');
  const ratio = Number(await estimate.getAttribute('data-ms')) / before;
  expect(ratio).toBeGreaterThan(1.2);
  expect(ratio).toBeLessThan(4.5);
});
