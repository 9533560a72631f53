/**
 * Result first (issue 12): the result is the largest thing on the page and stays in view while
 * settings change; exact pixels on demand; a before/after divider driven by mouse and keyboard;
 * one "style strength" control in the basic settings, the rest folded under Advanced; a quiet
 * backend status line with its details one click away.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { meanAbsDiff, prepareDemoRun, startRun, typeInto, waitForIteration } from './helpers';

const ADVANCED_FOLD_KEY = 'style-transfer:advanced';

async function shot(target: Locator): Promise<PNG> {
  return PNG.sync.read(await target.screenshot());
}

/** Share of horizontally adjacent pixel pairs that are identical: high when pixels are squares. */
function equalNeighbours(png: PNG): number {
  let same = 0;
  let pairs = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x + 1 < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const j = i + 4;
      pairs++;
      if (png.data[i] === png.data[j] && png.data[i + 1] === png.data[j + 1]) {
        if (png.data[i + 2] === png.data[j + 2]) same++;
      }
    }
  }
  return same / pairs;
}

/** The columns from..to (fractions of the width) of a screenshot, as a PNG of their own. */
function columns(png: PNG, from: number, to: number): PNG {
  const x0 = Math.round(png.width * from);
  const w = Math.round(png.width * to) - x0;
  const out = new PNG({ width: w, height: png.height });
  PNG.bitblt(png, out, x0, 0, w, png.height, 0, 0);
  return out;
}

async function box(target: Locator) {
  const b = await target.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}

/** A finished run of the samples at 64 px from noise: far from the content, and no longer moving. */
async function finishedNoiseRun(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Try samples' }).click();
  await expect(page.getByTestId('size-content')).toContainText('320×240 px');
  await page.getByLabel('Initial image').selectOption('noise');
  await prepareDemoRun(page, { longSide: 64, iterations: 3 });
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 180_000 });
}

test('at 1280 px the result fills its panel, outsizes everything else, stays in view while settings change, and shows exact pixels on demand', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await finishedNoiseRun(page);

  const preview = page.getByTestId('preview');
  const p = await box(preview);
  // It fills the result panel's width (the window is tall enough here not to limit it).
  const panel = await page
    .getByRole('region', { name: 'Result' })
    .evaluate((el) => el.clientWidth - 2 * parseFloat(getComputedStyle(el).paddingLeft));
  expect(p.width).toBeGreaterThanOrEqual(panel - 4);
  expect(p.width).toBeGreaterThan(0.55 * 1280);
  // Larger than any other picture on the page (thumbnails, the chart) by far.
  const others = await page.locator('img:visible, canvas:visible').evaluateAll((els) =>
    els
      .filter((el) => el.getAttribute('data-testid') !== 'preview')
      .filter((el) => el.getAttribute('data-testid') !== 'before')
      .map((el) => el.getBoundingClientRect())
      .map((r) => r.width * r.height),
  );
  expect(others.length).toBeGreaterThan(0);
  expect(p.width * p.height).toBeGreaterThan(2 * Math.max(...others));

  // Scroll to the last settings and change one there: the result stays wholly in view.
  const seed = page.getByLabel('Seed');
  await seed.scrollIntoViewIfNeeded();
  await typeInto(seed, '7');
  await page.getByRole('button', { name: 'Reset settings to defaults' }).scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
  const held = await box(preview);
  expect(held.y).toBeGreaterThanOrEqual(0);
  expect(held.y + held.height).toBeLessThanOrEqual(900);
  await page.evaluate(() => window.scrollTo(0, 0));

  // Smoothly scaled by default; "Exact pixels" shows each of the 64x48 pixels as a square.
  const smooth = equalNeighbours(await shot(preview));
  const exactToggle = page.getByRole('checkbox', { name: 'Exact pixels' });
  await expect(exactToggle).not.toBeChecked();
  await exactToggle.check();
  const exact = equalNeighbours(await shot(preview));
  console.log(`equal neighbours: smooth ${smooth.toFixed(3)}, exact ${exact.toFixed(3)}`);
  // At about 12 screen pixels per output pixel, 11 of 12 neighbours share a square.
  expect(exact).toBeGreaterThan(0.8);
  expect(smooth).toBeLessThan(exact - 0.3);
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Exact pixels' })).toBeChecked();
});

test('before/after: the divider shows the content left of it, dragged with the mouse and moved with the keys', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await finishedNoiseRun(page);

  const stage = page.getByTestId('result-stage');
  const divider = page.getByRole('slider', { name: 'Compare with the content image' });
  await expect(divider).toHaveAttribute('aria-valuenow', '0');
  const allResult = await shot(stage);

  // Drag the divider's knob with the mouse to 60% of the width.
  const s = await box(stage);
  const d = await box(divider);
  await page.mouse.move(d.x + d.width / 2, s.y + s.height / 2);
  await page.mouse.down();
  await page.mouse.move(s.x + 0.3 * s.width, s.y + s.height / 2, { steps: 5 });
  await page.mouse.move(s.x + 0.6 * s.width, s.y + s.height / 2, { steps: 5 });
  await page.mouse.up();
  const dragged = Number(await divider.getAttribute('aria-valuenow'));
  expect(dragged).toBeGreaterThanOrEqual(58);
  expect(dragged).toBeLessThanOrEqual(62);
  const sixty = await shot(stage);
  // Left of it the content replaced the (noise-started) result; right of it nothing moved.
  const leftChange = meanAbsDiff(columns(allResult, 0, 0.5), columns(sixty, 0, 0.5));
  const rightChange = meanAbsDiff(columns(allResult, 0.68, 1), columns(sixty, 0.68, 1));
  console.log(`divider at ${dragged}: left change ${leftChange.toFixed(1)}, right ${rightChange}`);
  expect(leftChange).toBeGreaterThan(10);
  expect(rightChange).toBeLessThan(1);

  // By keyboard: Shift+Tab from the toggle under the image reaches the divider; arrows move it.
  await page.getByRole('checkbox', { name: 'Exact pixels' }).focus();
  await page.keyboard.press('Shift+Tab');
  await expect(divider).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(divider).toHaveAttribute('aria-valuenow', String(dragged - 10));
  await page.keyboard.press('End');
  await expect(divider).toHaveAttribute('aria-valuenow', '100');
  await expect(divider).toHaveAttribute('aria-valuetext', '100% content, 0% result');
  const allContent = await shot(stage);
  // The left half shows the content at 60% and at 100% alike; the right half now does too.
  expect(meanAbsDiff(columns(sixty, 0, 0.5), columns(allContent, 0, 0.5))).toBeLessThan(1);
  expect(meanAbsDiff(columns(allResult, 0.68, 1), columns(allContent, 0.68, 1))).toBeGreaterThan(
    10,
  );
  await page.keyboard.press('Home');
  await expect(divider).toHaveAttribute('aria-valuenow', '0');
  await divider.blur(); // the focus ring is not part of the picture
  expect(meanAbsDiff(allResult, await shot(stage))).toBeLessThan(1);
});

test('style strength moves β against α (mouse and keys), live during a run', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  const strength = page.getByLabel('Style strength (β/α)', { exact: true });
  const strengthValue = page.getByLabel('Style strength (β/α) value');
  const alpha = page.getByLabel('Content weight α value');
  const beta = page.getByLabel('Style weight β value');
  await expect(strengthValue).toHaveValue('4');
  await expect(beta).toHaveValue('40');

  // Ten steps right on the log scale: a tenth of a decade more style; α stays, β follows.
  await strength.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await expect(strengthValue).toHaveValue('5.01');
  await expect(beta).toHaveValue('50.1');
  await expect(alpha).toHaveValue('10');

  // With the mouse: a click far right on the track is a lot more style.
  const track = await box(strength);
  await page.mouse.click(track.x + 0.9 * track.width, track.y + track.height / 2);
  const ratio = Number(await strengthValue.inputValue());
  expect(ratio).toBeGreaterThan(500);
  expect(Number(await beta.inputValue())).toBeCloseTo(ratio * 10, -1);

  // α typed in Advanced: the strength shows the new balance.
  await typeInto(alpha, '20');
  await expect
    .poll(async () => Number(await strengthValue.inputValue()))
    .toBeCloseTo(Number(await beta.inputValue()) / 20, 0);

  // Live: moved during a run, the worker applies the new β at the next iteration.
  await page.getByRole('button', { name: 'Try samples' }).click();
  await expect(page.getByTestId('size-content')).toContainText('320×240 px');
  await typeInto(alpha, '10');
  await prepareDemoRun(page, { longSide: 64, iterations: 200 });
  await startRun(page);
  await waitForIteration(page, 1, 180_000);
  await strength.focus();
  await page.keyboard.press('Home');
  await expect(strengthValue).toHaveValue('0.001');
  await expect(beta).toHaveValue('0.01');
  await expect(page.getByTestId('applied-beta')).toHaveText('applied: 0.01');
  await expect(page.getByTestId('applied-strength')).toHaveText('applied: 0.001');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
});

test('a visitor who never opened Advanced sees the basic settings; Advanced unfolds with a click and stays so', async ({
  page,
}) => {
  await page.goto('/');
  await page.evaluate((k) => localStorage.removeItem(k), ADVANCED_FOLD_KEY);
  await page.reload();
  for (const label of ['Style strength (β/α) value', 'Output long side (px)', 'Colours']) {
    await expect(page.getByLabel(label)).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  const advanced = [
    'Content weight α value',
    'Style weight β value',
    'Total variation weight value',
    'Learning rate value',
    'Iterations',
    'Seed',
    'Optimiser',
    'Backend',
  ];
  for (const label of advanced) await expect(page.getByLabel(label)).toBeHidden();

  // By keyboard, as a summary is a button: focus it and press Enter.
  const summary = page.getByText('Advanced settings', { exact: true });
  await summary.focus();
  await page.keyboard.press('Enter');
  for (const label of advanced) await expect(page.getByLabel(label)).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Iterations')).toBeVisible();
  await page.getByText('Advanced settings', { exact: true }).click();
  await expect(page.getByLabel('Iterations')).toBeHidden();
  // The fold is saved from its toggle event, which comes a task after the click.
  await expect
    .poll(() => page.evaluate((k) => localStorage.getItem(k), ADVANCED_FOLD_KEY))
    .not.toBe('on');
  await page.reload();
  await expect(page.getByLabel('Iterations')).toBeHidden();
});

test('the backend is a quiet status line: backend, threads, time per iteration; the details one click away', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  const line = page.getByTestId('backend');
  await expect(line).toContainText('Backend: ');
  // Whatever backend this device runs on: the line names it, and wasm says its threads.
  const backend = (await line.getAttribute('data-backend'))!;
  await expect(line).toContainText(`Backend: ${backend}`);
  if (backend === 'wasm') {
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Number(await page.getByTestId('threads').getAttribute('data-value'));
    expect(threads).toBeGreaterThanOrEqual(Math.min(2, cores));
  }
  await expect(page.getByTestId('iteration-estimate')).toContainText(/about .* per iteration at/);
  // One line, no warning colours, nothing announced.
  expect((await box(line)).height).toBeLessThan(40);
  const look = await line.evaluate((el) => {
    const cs = getComputedStyle(el);
    return { background: cs.backgroundColor, border: cs.borderTopStyle, role: el.role };
  });
  expect(look).toEqual({ background: 'rgba(0, 0, 0, 0)', border: 'none', role: null });

  const table = page.getByTestId('calibration');
  await expect(table).toBeHidden();
  await page.getByText('Details', { exact: true }).click();
  await expect(table).toBeVisible();
  // The CPU backend is always measured (first); the one in use has its row.
  await expect(table.locator('tbody tr[data-backend="wasm"]')).toHaveCount(1);
  await expect(table.locator(`tbody tr[data-backend="${backend}"]`)).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Measure again' })).toBeEnabled({
    timeout: 120_000,
  });
});

test('on a phone (390 px) the result is near the top, above the images, and fills the width', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Try samples' }).click();
  await expect(page.getByTestId('size-content')).toContainText('320×240 px');
  // The page as it opens (the click scrolled down to the button).
  await page.evaluate(() => window.scrollTo(0, 0));
  const p = await box(page.getByTestId('preview'));
  // On the first screen, whole, and above the drop zones.
  expect(p.y).toBeGreaterThanOrEqual(0);
  expect(p.y).toBeLessThan(300);
  expect(p.y + p.height).toBeLessThanOrEqual(844);
  expect(p.width).toBeGreaterThan(330);
  expect(p.y).toBeLessThan((await box(page.getByTestId('dropzone-content'))).y);
});
