/**
 * "Explore the network": the pool, the top-nine search with patches at the receptive field, the
 * first-layer filters, and the Gram heatmaps following a run (demo weights, tiny images).
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  collectPageErrors,
  dropContentAndStyle,
  prepareDemoRun,
  prepareShallowRun,
  startRun,
  waitForIteration,
} from './helpers';
import { png, type TestFile } from './fixtures/makeImages';

/** Drops several files at once on `target`, as a person dragging a selection from a folder. */
async function dropFiles(page: Page, target: Locator, files: TestFile[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (files) => {
      const dt = new DataTransfer();
      for (const f of files)
        dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.mime }));
      return dt;
    },
    files.map((f) => ({ name: f.name, mime: f.mime, bytes: [...f.bytes] })),
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

/** The heatmap canvas' pixels (a page-owned canvas, so it can be read directly). */
async function canvasData(canvas: Locator): Promise<string> {
  return canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL('image/png'));
}

/** The page on webgl with the demo weights and the fixture pair, explorer open and ready. */
async function openExplorer(page: Page): Promise<void> {
  // Both workers on WebGL (remembered from a previous visit): written when wasm's threaded build
  // could not start under the page's CSP; the style view's own tests cover Auto.
  await page.addInitScript(() => {
    if (!localStorage.getItem('style-transfer-settings')) {
      const saved = { state: { backend: 'webgl' }, version: 1 };
      localStorage.setItem('style-transfer-settings', JSON.stringify(saved));
    }
  });
  await page.goto('/');
  await dropContentAndStyle(page);
  await prepareDemoRun(page, { longSide: 48, iterations: 200 });

  await page.getByRole('link', { name: 'Explore the network' }).click();
  await expect(page.getByTestId('explorer-status')).toHaveAttribute('data-ready', 'true', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('explorer-demo-label')).toBeVisible();
}

test('explore: pool, top nine at the receptive field, first-layer filters', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await openExplorer(page);

  // Two extra images dropped on the pool: stripes and a checkerboard.
  const stripes = png(40, 40, (x) => (x % 8 < 4 ? [220, 40, 40, 255] : [20, 20, 200, 255]));
  const checks = png(36, 44, (x, y) =>
    ((x >> 2) + (y >> 2)) % 2 ? [250, 250, 250, 255] : [10, 120, 10, 255],
  );
  await dropFiles(page, page.getByTestId('explorer-pool'), [
    { name: 'stripes.png', mime: 'image/png', bytes: stripes },
    { name: 'checks.png', mime: 'image/png', bytes: checks },
  ]);
  await expect(page.getByTestId('pool-extra')).toHaveCount(2);
  await expect(page.getByTestId('pool-count')).toHaveText('(4 images)');

  const size = page.getByLabel('Working size (px, longer side)');
  await size.fill('');
  await size.pressSequentially('48');
  await page.getByLabel('Layer to explore').selectOption('block2_conv1');
  await expect(page.getByTestId('field-info')).toContainText('receptive field 10×10 px, jump 2 px');
  // The field's box to scale on a pool image: 10 px of 48.
  const scale = page.getByTestId('field-scale');
  const ratio = async () =>
    Number(await scale.getAttribute('data-box')) / Number(await scale.getAttribute('data-image'));
  await expect.poll(ratio).toBeCloseTo(10 / 48, 6);
  // Started from the keyboard: the focus stays on the button through the search.
  const find = page.getByRole('button', { name: 'Find the top nine' });
  await find.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('search-summary')).toContainText(
    'block2_conv1: 128 units over 4 images (48 px working size)',
  );
  await expect(find).toBeFocused();
  await expect(page.getByTestId('page-info')).toHaveText('Page 1 of 8');

  // Highest activation first; the first unit shows nine patches the size of the receptive field.
  await page.getByLabel('Highest activation first').check();
  const unit = page.getByTestId('unit').first();
  const patches = unit.getByTestId('patch');
  await expect(patches).toHaveCount(9);
  let full = 0;
  for (const p of await patches.all()) {
    const fieldSize = Number(await p.getAttribute('data-field-size'));
    const w = Number(await p.getAttribute('data-crop-width'));
    const h = Number(await p.getAttribute('data-crop-height'));
    expect(fieldSize).toBe(10);
    expect(await p.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([10, 10]);
    // A field centred inside the image keeps at least half of itself at a border.
    expect(w).toBeGreaterThanOrEqual(5);
    expect(w).toBeLessThanOrEqual(10);
    expect(h).toBeGreaterThanOrEqual(5);
    expect(h).toBeLessThanOrEqual(10);
    if (w === 10 && h === 10) full++;
  }
  expect(full).toBeGreaterThan(0);

  // Paging moves to other units.
  const firstUnits = await page
    .getByTestId('unit')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-unit')));
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('page-info')).toHaveText('Page 2 of 8');
  const nextUnits = await page
    .getByTestId('unit')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-unit')));
  expect(nextUnits.filter((u) => firstUnits.includes(u))).toEqual([]);
  await page.getByRole('button', { name: 'Previous page' }).click();

  // Enlarged: nine patches with their source image and activation, best first.
  await page.getByTestId('unit').first().click();
  const dialog = page.getByTestId('unit-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('patch')).toHaveCount(9);
  const sources = await dialog.getByTestId('patch-source').allTextContents();
  for (const s of sources) {
    expect(s).toMatch(
      /^(content\.png|style\.png|stripes\.png|checks\.png|generated \(iteration \d+\))$/,
    );
  }
  const values = (await dialog.getByTestId('patch-activation').allTextContents()).map((t) =>
    Number(t.replace('activation ', '')),
  );
  expect(values).toEqual([...values].sort((a, b) => b - a));
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // First layer: 64 filters of 3x3.
  await expect(page.getByTestId('filter')).toHaveCount(64);

  expect(errors).toEqual([]);
});

/**
 * The style view set for the cheapest run that still has two style layers (block 1 and 2 of VGG16,
 * 64 px) on Auto (wasm here), then the explorer opened and ready before the run starts.
 */
async function openExplorerForCheapRun(page: Page): Promise<void> {
  await page.goto('/');
  // A budget the test never waits for: the run must still go when the first heatmap appears,
  // however loaded the machine; the page closes long before it ends.
  await prepareShallowRun(page, 'block2_conv1', { longSide: 64, iterations: 1000 });
  await page.getByRole('link', { name: 'Explore the network' }).click();
  await expect(page.getByTestId('explorer-status')).toHaveAttribute('data-ready', 'true', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('explorer-demo-label')).toBeVisible();
}

test('explore: the Gram heatmaps of a run change between two iterations', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await openExplorerForCheapRun(page);
  // A run on the style view, which goes on while this view is open: its result joins the pool,
  // and the Gram heatmaps follow it, changing from one iteration to a later one.
  await page.getByRole('link', { name: 'Style transfer' }).click();
  await startRun(page);
  await waitForIteration(page, 1);
  await page.getByRole('link', { name: 'Explore the network' }).click();
  await expect(page.getByTestId('pool-count')).toHaveText('(3 images)');
  await page.getByLabel('Style layer to compare').selectOption('block1_conv1');
  const heatmaps = page.getByTestId('gram-heatmaps');
  await expect(heatmaps).toBeVisible();
  await expect(page.getByTestId('gram-style')).toHaveAttribute('aria-label', /64×64/);
  const it1 = Number(await heatmaps.getAttribute('data-iteration'));
  const before = await canvasData(page.getByTestId('gram-generated'));
  // Nothing is clicked meanwhile: the heatmaps follow the run by themselves, and the generated
  // image's Gram shows it (drawn in 8-bit colour: two close iterations may look alike, so wait).
  await expect
    .poll(async () => Number(await heatmaps.getAttribute('data-iteration')))
    .toBeGreaterThan(it1);
  await expect.poll(() => canvasData(page.getByTestId('gram-generated'))).not.toBe(before);
  // One bar per style layer, each long enough to see (log scale), and a colour scale per heatmap.
  await expect(page.getByTestId('bar-value')).toHaveCount(2);
  for (const bar of await page.locator('.layer-bars .bar').all()) {
    expect((await bar.boundingBox())!.width).toBeGreaterThan(4);
  }
  await expect(page.getByTestId('colour-scale')).toHaveCount(3);
  console.log(
    `Gram heatmaps: iteration ${it1}, then ${await heatmaps.getAttribute('data-iteration')}`,
  );
  // The style view kept running meanwhile.
  await page.getByRole('link', { name: 'Style transfer' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('running');
  expect(errors).toEqual([]);
});
