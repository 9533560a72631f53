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

/**
 * The output's own pixels read back from a screenshot of the canvas shown as exact pixels: the
 * centre of each output pixel's square. Two screenshots of one image can differ by a row when the
 * page lays out at a fractional offset; these samples do not.
 */
export function outputPixels(shot: PNG, width: number, height: number): PNG {
  const out = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(((y + 0.5) / height) * shot.height);
    for (let x = 0; x < width; x++) {
      const sx = Math.floor(((x + 0.5) / width) * shot.width);
      shot.data.copy(
        out.data,
        (y * width + x) * 4,
        (sy * shot.width + sx) * 4,
        (sy * shot.width + sx) * 4 + 4,
      );
    }
  }
  return out;
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

/** Collects the page's uncaught errors from now on: a test expects the array empty at its end. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Drops the fixtures content.png and style.png on the content and the style drop zones. */
export async function dropContentAndStyle(page: Page): Promise<void> {
  await dropFile(page, page.getByTestId('dropzone-content'), 'content.png');
  await dropFile(page, page.getByTestId('dropzone-style'), 'style.png');
}

/** A content layer in the first two blocks of VGG16, where the cheap test runs take theirs. */
export type ShallowContentLayer = 'block1_conv2' | 'block2_conv1' | 'block2_conv2';

/**
 * Cuts VGG16 short for runs whose depth is not under test: removes the style layers of the blocks
 * after `contentLayer`'s (deepest first, as a person would from the bottom of the list) and makes
 * it the content layer.
 */
export async function useShallowLayers(
  page: Page,
  contentLayer: ShallowContentLayer,
): Promise<void> {
  const lastBlock = Number(contentLayer.charAt('block'.length));
  for (let block = 5; block > lastBlock; block--) {
    await page.getByRole('button', { name: `Remove block${block}_conv1` }).click();
  }
  await page.getByLabel('Content layer').selectOption(contentLayer);
}

/**
 * The cheap run of tests about something other than style: the fixtures, shallow layers (see
 * useShallowLayers), the size and budget, and the demo weights in.
 */
export async function prepareShallowRun(
  page: Page,
  contentLayer: ShallowContentLayer,
  opts: { longSide: number; iterations: number },
): Promise<void> {
  await dropContentAndStyle(page);
  await useShallowLayers(page, contentLayer);
  await prepareDemoRun(page, opts);
}

/** Sets the run size and budget, loads the demo weights and waits until they are in. */
export async function prepareDemoRun(
  page: Page,
  opts: { longSide: number; iterations: number },
): Promise<void> {
  await fillAndEnter(page, 'Output long side (px)', String(opts.longSide));
  await fillAndEnter(page, 'Iterations', String(opts.iterations));
  await useDemoWeights(page);
}

/**
 * Makes sure the demo weights are in use: the page falls back to them by itself when the server
 * has no pretrained ones (as here); where it has, the button switches.
 */
export async function useDemoWeights(page: Page): Promise<void> {
  const label = page.getByTestId('demo-label');
  const button = page.getByRole('button', { name: 'Use demo weights (untrained, random)' });
  await expect(label.or(button.and(page.locator(':enabled')))).toBeVisible({ timeout: 120_000 });
  if (!(await label.isVisible())) await button.click();
  await expect(label).toBeVisible({ timeout: 120_000 });
}

/** Presses Start (or Restart) and, when the page asks whether to drop the current result, agrees. */
export async function startRun(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /^(Start|Restart)$/ });
  const asks = (await button.textContent()) === 'Restart' && (await iteration(page)) > 0;
  await button.click();
  if (asks) await page.getByRole('button', { name: 'Restart from scratch' }).click();
}

/** Fills the field labelled `label` with `text` at once and commits it with Enter. */
export async function fillAndEnter(page: Page, label: string, text: string): Promise<void> {
  await page.getByLabel(label).fill(text);
  await page.getByLabel(label).press('Enter');
}

/** Clears a text field and types `text` key by key, as a person does, then commits with Enter. */
export async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
  await field.press('Enter');
}

/** WCAG contrast ratio of an element's text colour on its own background colour. */
export async function textContrast(target: Locator): Promise<number> {
  return target.evaluate((el) => {
    const cs = getComputedStyle(el);
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const a = lum(rgb(cs.color));
    const b = lum(rgb(cs.backgroundColor));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

/** The worker's tf.memory(), through the page's debug hook (`?debug`). */
export interface MemoryReport {
  backend: string;
  numTensors: number;
  numBytes: number;
  numBytesInGPU: number | null;
}

export function workerMemory(page: Page): Promise<MemoryReport> {
  return page.evaluate(() =>
    (
      window as unknown as { __styleDebug: { memory(): Promise<MemoryReport> } }
    ).__styleDebug.memory(),
  );
}

/**
 * tf.memory() once the worker is at rest: equal in two reads half a second apart. Right after a
 * run stops, the page's snapshot of it may still be encoding (one image tensor for a moment).
 */
export async function settledWorkerMemory(page: Page): Promise<MemoryReport> {
  let last = await workerMemory(page);
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(500);
    const now = await workerMemory(page);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error(`worker memory did not settle: last ${JSON.stringify(last)}`);
}

/** Clicks "Download PNG" and reads the file the page saved. */
export async function downloadPng(page: Page): Promise<PNG> {
  const event = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download PNG/ }).click();
  return PNG.sync.read(readFileSync(await (await event).path()));
}
