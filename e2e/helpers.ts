/** Shared steps of the page's e2e tests: dropping files as a person would, reading the canvas. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Drags a fixture file onto `target`: dragenter, dragover, drop with a real DataTransfer. */
export async function dropFile(
  page: Page,
  target: Locator,
  fileName: string,
  mime = 'image/png',
): Promise<void> {
  await dropBytes(page, target, readFileSync(join(FIXTURES, fileName)), fileName, mime);
}

/** Drags a file made of `data` onto `target` (e.g. a file the page downloaded earlier). */
export async function dropBytes(
  page: Page,
  target: Locator,
  data: Uint8Array,
  fileName: string,
  mime = 'image/png',
): Promise<void> {
  const bytes = [...data];
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, fileName, mime }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], fileName, { type: mime }));
      return dt;
    },
    { bytes, fileName, mime },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

/** The preview canvas as rendered (it belongs to the worker, so only a screenshot can read it). */
export async function canvasPixels(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.getByTestId('preview').screenshot());
}

/**
 * Fraction of clearly coloured pixels: the empty canvas shows a grey checkerboard (near 0), the
 * stylised samples/fixtures are colourful. Guards against comparing a blank frame with a drawn one.
 */
export function colouredFraction(png: PNG): number {
  let coloured = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 24) coloured++;
  }
  return coloured / (png.data.length / 4);
}

/** Mean absolute difference per channel (0..255) of two same-size screenshots. */
export function meanAbsDiff(a: PNG, b: PNG): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let k = 0; k < 3; k++) sum += Math.abs(a.data[i + k] - b.data[i + k]);
    n += 3;
  }
  return sum / n;
}

export async function iteration(page: Page): Promise<number> {
  return Number(await page.getByTestId('iteration').getAttribute('data-value'));
}

export async function waitForIteration(
  page: Page,
  atLeast: number,
  timeout = 120_000,
): Promise<number> {
  await expect
    .poll(() => iteration(page), { timeout, message: `iteration reaches ${atLeast}` })
    .toBeGreaterThanOrEqual(atLeast);
  return iteration(page);
}

export async function readValue(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-value'));
}

/** Records main-thread long tasks from the very first script (read back with longTasks()). */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export interface LongTask {
  start: number;
  duration: number;
}

export async function longTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks ?? []);
}

export function describeLongTasks(tasks: LongTask[]): string {
  const max = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  return `${tasks.length} tasks, max ${max.toFixed(0)} ms`;
}

/** Sets the run size and budget, loads the demo weights and waits until they are in. */
export async function prepareDemoRun(
  page: Page,
  opts: { longSide: number; iterations: number },
): Promise<void> {
  await page.getByLabel('Output long side (px)').fill(String(opts.longSide));
  await page.getByLabel('Iterations').fill(String(opts.iterations));
  await page.getByRole('button', { name: 'Use demo weights (untrained, random)' }).click();
  await expect(page.getByTestId('demo-label')).toBeVisible({ timeout: 120_000 });
}
