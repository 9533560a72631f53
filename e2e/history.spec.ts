/**
 * The history strip: snapshots during runs, kept in IndexedDB across a reload under a cap with
 * oldest-first eviction; shown, downloaded, and used as the start of a new run.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import extractChunks from 'png-chunks-extract';
import * as pngText from 'png-chunk-text';
import { PNG } from 'pngjs';
import {
  collectPageErrors,
  dropContentAndStyle,
  fillAndEnter,
  prepareShallowRun,
  readValue,
  startRun,
  workerMemory,
} from './helpers';

const size = (page: Page) => page.getByTestId('history-size');
const count = async (page: Page) => Number(await size(page).getAttribute('data-count'));
const added = async (page: Page) => Number(await size(page).getAttribute('data-added'));

/** Counted straight from IndexedDB, not from the page's own figure. */
function storedInDb(page: Page): Promise<{ count: number; bytes: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open('style-transfer-history');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const all = req.result.transaction('snapshots').objectStore('snapshots').getAll();
          all.onsuccess = () => {
            const rows = all.result as { png: Blob }[];
            resolve({ count: rows.length, bytes: rows.reduce((n, r) => n + r.png.size, 0) });
            req.result.close();
          };
        };
      }),
  );
}

/** Whole runs of 12 iterations (a snapshot each) until `n` more snapshots were stored. */
async function runUntilAdded(page: Page, n: number): Promise<void> {
  const target = (await added(page)) + n;
  while ((await added(page)) < target) {
    const before = await added(page);
    await startRun(page);
    // This run's snapshots, then its end. Not "the state leaves 'done'" first: a 12-iteration run
    // can be over before a look at its state (a CI run under load missed it and waited a minute).
    await expect.poll(() => added(page), { timeout: 120_000 }).toBeGreaterThan(before);
    await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
    // The end snapshot lands after the state changes: wait until the page has stored it.
    // Both sides are read at every poll: the page's count may still grow while this waits.
    await expect.poll(async () => (await storedInDb(page)).count - (await count(page))).toBe(0);
  }
}

test('50 snapshots, a reload, 50 more: within the cap, oldest evicted with a notice, memory flat', async ({
  page,
}, info) => {
  test.setTimeout(600_000);
  const errors = collectPageErrors(page);
  await page.goto('/?debug');
  await prepareShallowRun(page, 'block1_conv2', { longSide: 64, iterations: 12 });
  await expect(size(page)).toHaveAttribute('data-count', '0');
  const t0 = Date.now();

  await runUntilAdded(page, 1);
  const baseline = await workerMemory(page);
  await runUntilAdded(page, 49);
  const firstHalf = await count(page);
  expect(firstHalf).toBeGreaterThanOrEqual(50);
  expect(await workerMemory(page)).toEqual(baseline);
  await expect(page.getByTestId('history-strip').getByRole('button')).toHaveCount(
    Math.min(firstHalf, 60),
  );

  await page.reload();
  await expect(size(page)).toHaveAttribute('data-count', String(Math.min(firstHalf, 60)));
  await expect(page.getByTestId('demo-label')).toBeVisible({ timeout: 120_000 });
  // Settings and images persist across the reload; dropping them again replaces them.
  await dropContentAndStyle(page);
  console.log(`first half: ${firstHalf} snapshots in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await runUntilAdded(page, 1);
  const afterReload = await workerMemory(page);
  await runUntilAdded(page, 49);
  expect(await workerMemory(page)).toEqual(afterReload);

  // Within the cap (60 snapshots, 64 MB), the page's figure matches IndexedDB, and it said so.
  const db = await storedInDb(page);
  expect(db.count).toBe(60);
  expect(await count(page)).toBe(60);
  expect(Number(await size(page).getAttribute('data-bytes'))).toBe(db.bytes);
  expect(db.bytes).toBeLessThan(64 * 2 ** 20);
  await expect(size(page)).toContainText(
    `60 snapshots · ${(db.bytes / 1e6).toFixed(1)} MB in IndexedDB`,
  );
  await expect(page.getByTestId('history-notice')).toContainText(/History is full .* removed the/);
  console.log(`both halves: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const report = `IndexedDB: ${db.count} snapshots, ${db.bytes} bytes; tf.memory after reload ${JSON.stringify(afterReload)}`;
  info.annotations.push({ type: 'history', description: report });
  console.log(report);
  expect(errors).toEqual([]);
});

test('a snapshot shows large, downloads with its settings, and starts a new run from its image', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await prepareShallowRun(page, 'block1_conv2', { longSide: 64, iterations: 12 });
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
  const view = page.getByTestId('history-view');
  // The run's row says its size and settings, and lists its snapshots in iteration order: the
  // stage end of iteration 8 is taken after later iterations began, and is filed before them.
  const run = page.getByTestId('history-run');
  await expect(run).toHaveCount(1);
  await expect(run).toContainText('Run 1 · 64×48 px · 12 iterations · Adam, lr 5 · α 10, β 40');
  const shown = async () =>
    (await run.getByRole('button').evaluateAll((b) => b.map((e) => e.ariaLabel ?? ''))).map((l) =>
      Number(l.replace(/\D+/g, '')),
    );
  const order = await shown();
  expect(order).toEqual([...order].sort((a, b) => a - b));
  // Two coarse-to-fine stages (32 px for 8 iterations, then 64 px): the first one's last image is
  // kept at its own size, first at its iteration (a late cadence snapshot may have caught it too).
  await page.getByRole('button', { name: 'Show snapshot at iteration 8' }).first().click();
  await expect(view).toContainText('Iteration 8 (stage end) · 32×24 px');
  // Its PNG's settings hold its own output size, not the run's.
  const stageDownload = page.waitForEvent('download');
  await view.getByRole('button', { name: 'Download snapshot' }).click();
  const stageBytes = new Uint8Array(readFileSync(await (await stageDownload).path()));
  const stageRecord = JSON.parse(
    extractChunks(stageBytes)
      .filter((c) => c.name === 'tEXt')
      .map((c) => pngText.decode(c.data))
      .find((t) => t.keyword === 'style-transfer')!.text,
  ) as { outputLongSide: number; iteration: number };
  expect(stageRecord).toMatchObject({ outputLongSide: 32, iteration: 8 });
  const thumb = page.getByRole('button', { name: 'Show snapshot at iteration 12' });
  await thumb.click();
  await expect(view).toContainText('Iteration 12 · 64×48 px · content.png + style.png');
  // Large, in the result panel, with the compare divider; the live run is one click away.
  const image = page.getByTestId('snapshot-image');
  expect((await image.boundingBox())!.width).toBeGreaterThan(300);
  await expect(page.getByRole('slider', { name: 'Compare with the content image' })).toBeVisible();
  await expect(page.getByTestId('preview')).toBeHidden();
  await view.getByRole('button', { name: 'Back to the live run' }).click();
  await expect(image).toHaveCount(0);
  await expect(page.getByTestId('preview')).toBeVisible();
  await thumb.click();

  const downloadEvent = page.waitForEvent('download');
  await view.getByRole('button', { name: 'Download snapshot' }).click();
  const download = await downloadEvent;
  expect(download.suggestedFilename()).toBe('stylized-content-style-64x48-it12.png');
  const bytes = readFileSync(await download.path());
  expect([PNG.sync.read(bytes).width, PNG.sync.read(bytes).height]).toEqual([64, 48]);
  expect(extractChunks(new Uint8Array(bytes)).some((c) => c.name === 'tEXt')).toBe(true);

  // One iteration from the usual start against one from the 12-iteration snapshot: the snapshot
  // is much further along, so its loss after one step is lower.
  await fillAndEnter(page, 'Iterations', '1');
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
  const fresh = await readValue(page, 'loss-total');
  // The snapshot stays selected while other runs come and go.
  await expect(view).toContainText('Iteration 12 ·');
  const thumbs = page.getByTestId('history-strip').getByRole('button');
  const before = await thumbs.count();
  await view.getByRole('button', { name: 'New run from this image' }).click();
  // The state already says 'done' (the run before): the new run's end snapshot marks its end.
  await expect(thumbs).toHaveCount(before + 1, { timeout: 120_000 });
  await expect(page.getByTestId('run-state')).toHaveText('done');
  await expect(page.getByTestId('iteration')).toHaveAttribute('data-value', '1');
  // Three runs, each on its own row with its own budget.
  await expect(run).toHaveCount(3);
  await expect(run.nth(2)).toContainText('Run 3 · 64×48 px · 1 iteration ·');
  const fromSnapshot = await readValue(page, 'loss-total');
  console.log(`J after one step: fresh ${fresh}, from the iteration-12 snapshot ${fromSnapshot}`);
  expect(fromSnapshot).toBeLessThan(0.7 * fresh);
});
