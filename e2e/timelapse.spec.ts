/** Time-lapse export of a run's snapshots: WebM with WebCodecs, animated PNG without. */
import { readFileSync } from 'node:fs';
import { test, expect, type Locator, type Page } from '@playwright/test';
import extractChunks from 'png-chunks-extract';
import { PNG } from 'pngjs';
import {
  downloadPng,
  dropBytes,
  fillAndEnter,
  prepareShallowRun,
  startRun,
  useShallowLayers,
  prepareDemoRun,
  dropFile,
} from './helpers';

/** EBML variable-length integer at `at`: its length and value (marker bit kept for IDs). */
function vint(b: Uint8Array, at: number, keepMarker: boolean): { len: number; value: number } {
  let len = 1;
  while (len <= 8 && !(b[at] & (0x80 >> (len - 1)))) len++;
  let value = keepMarker ? b[at] : b[at] & (0xff >> len);
  for (let k = 1; k < len; k++) value = value * 256 + b[at + k];
  return { len, value };
}

/** Big-endian unsigned integer in b[from, to). */
function uint(b: Uint8Array, from: number, to: number): number {
  let v = 0;
  for (let k = from; k < to; k++) v = v * 256 + b[k];
  return v;
}

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const DOC_TYPE = 0x4282;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const VIDEO = 0xe0;
const INFO = 0x1549a966;
const DURATION = 0x4489;
const MASTERS = new Set([
  EBML_HEADER,
  SEGMENT,
  INFO,
  CLUSTER,
  TRACKS,
  TRACK_ENTRY,
  VIDEO,
  BLOCK_GROUP,
]);

/**
 * Walks the WebM's elements: the doc type, the frame size, the number of video blocks and the
 * Duration (ms at webm-muxer's 1 ms timestamp scale).
 */
function readWebm(b: Uint8Array): {
  docType: string;
  width: number;
  height: number;
  frames: number;
  durationMs: number;
} {
  const out = { docType: '', width: 0, height: 0, frames: 0, durationMs: 0 };
  const walk = (from: number, to: number) => {
    let at = from;
    while (at < to) {
      const id = vint(b, at, true);
      const size = vint(b, at + id.len, false);
      const body = at + id.len + size.len;
      // An unknown size (all ones) runs to the end of the parent.
      const end = size.value === 2 ** (7 * size.len) - 1 ? to : body + size.value;
      if (MASTERS.has(id.value)) walk(body, end);
      else if (id.value === DOC_TYPE) out.docType = new TextDecoder().decode(b.subarray(body, end));
      else if (id.value === PIXEL_WIDTH) out.width = uint(b, body, end);
      else if (id.value === PIXEL_HEIGHT) out.height = uint(b, body, end);
      else if (id.value === SIMPLE_BLOCK) out.frames++;
      else if (id.value === DURATION) {
        out.durationMs = new DataView(b.buffer, b.byteOffset + body, 8).getFloat64(0);
      }
      at = end;
    }
  };
  walk(0, b.length);
  return out;
}

async function runWithSnapshots(page: Page): Promise<number> {
  await prepareShallowRun(page, 'block1_conv2', { longSide: 64, iterations: 12 });
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
  // The end snapshot is stored just after the run ends.
  await expect(page.getByRole('button', { name: 'Show snapshot at iteration 12' })).toBeVisible();
  const n = await settledCount(page.getByTestId('history-strip').getByRole('button'));
  expect(n).toBeGreaterThanOrEqual(3);
  return n;
}

/**
 * The number of thumbnails once no more arrive: the captures queued during the run (a stage end
 * among them) may land after the end's thumbnail shows.
 */
async function settledCount(thumbs: Locator): Promise<number> {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const n = await thumbs.count();
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 1500));
  }
  return last;
}

async function exportIt(page: Page, format: string, frames: number) {
  const button = page.getByRole('button', {
    name: `Export time-lapse (${format}, ${frames} frames)`,
  });
  // Every value the progress bar shows, as the page commits it.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __progress: number[] }).__progress = seen;
    new MutationObserver(() => {
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="timelapse-progress"]');
      if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  const downloadEvent = page.waitForEvent('download');
  await button.click();
  const download = await downloadEvent;
  await expect(page.getByTestId('timelapse-progress')).toHaveCount(0);
  const progress = await page.evaluate(
    () => (window as unknown as { __progress: number[] }).__progress,
  );
  // The bar counted the frames up to the last one.
  expect(progress.length).toBeGreaterThanOrEqual(2);
  expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  expect(progress.at(-1)).toBe(frames);
  return download;
}

test('the run exports as a WebM with one frame per snapshot', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  const frames = await runWithSnapshots(page);
  const download = await exportIt(page, 'WebM', frames);
  expect(download.suggestedFilename()).toBe(`timelapse-content-style-64x48-${frames}frames.webm`);
  const bytes = new Uint8Array(readFileSync(await download.path()));
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  const webm = readWebm(bytes);
  console.log(`WebM: ${bytes.length} bytes, ${JSON.stringify(webm)}`);
  expect(webm).toEqual({
    docType: 'webm',
    width: 64,
    height: 48,
    frames,
    durationMs: frames * 250,
  });
});

/** A 60×40 content (3:2): at 64 px the output is 64×43, an odd height. */
function oddContent(): Uint8Array {
  const png = new PNG({ width: 60, height: 40 });
  for (let i = 0; i < png.data.length; i += 4) {
    const p = i / 4;
    png.data.set([(p * 7) % 256, (p % 60) * 4, Math.floor(p / 60) * 6, 255], i);
  }
  return new Uint8Array(PNG.sync.write(png));
}

test('sizes agree: a run stopped in a coarse stage says what a download gives; the time-lapse of a 64×43 result is 64×43 and lasts its frames', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await dropBytes(page, page.getByTestId('dropzone-content'), oddContent(), 'odd.png');
  await dropFile(page, page.getByTestId('dropzone-style'), 'style.png');
  await useShallowLayers(page, 'block1_conv2');
  // A budget the test never waits for: stage 1 (two thirds of it) lasts until Stop.
  await prepareDemoRun(page, { longSide: 64, iterations: 900 });
  await startRun(page);
  // Stopped in stage 1 (32 px): the caption gives the size shown and the size of the PNG.
  await expect(page.getByTestId('stage')).toHaveText(/stage 1 of 2/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
  await expect(page.getByTestId('stage')).toHaveText(/stage 1 of 2/);
  await expect(page.getByTestId('result-size')).toHaveText(
    '32×22 px shown (a coarse stage) · Download PNG gives 64×43 px, scaled up',
  );
  const png = await downloadPng(page);
  expect([png.width, png.height]).toEqual([64, 43]);

  await fillAndEnter(page, 'Iterations', '12');
  await startRun(page);
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('result-size')).toHaveText(
    '64×43 px · Download PNG gives this size',
  );
  const row = page.getByTestId('history-run').last();
  await expect(row.getByRole('button', { name: 'Show snapshot at iteration 12' })).toBeVisible();
  const frames = await settledCount(row.getByRole('button'));
  const download = await exportIt(page, 'WebM', frames);
  expect(download.suggestedFilename()).toBe(`timelapse-odd-style-64x43-${frames}frames.webm`);
  const webm = readWebm(new Uint8Array(readFileSync(await download.path())));
  console.log(`odd-size WebM: ${JSON.stringify(webm)}`);
  expect(webm).toEqual({
    docType: 'webm',
    width: 64,
    height: 43,
    frames,
    durationMs: frames * 250,
  });
});

test('without WebCodecs the run exports as an animated PNG', async ({ page }) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => {
    delete (window as { VideoEncoder?: unknown }).VideoEncoder;
  });
  await page.goto('/');
  const frames = await runWithSnapshots(page);
  const download = await exportIt(page, 'animated PNG', frames);
  expect(download.suggestedFilename()).toBe(`timelapse-content-style-64x48-${frames}frames.png`);
  const bytes = new Uint8Array(readFileSync(await download.path()));
  const chunks = extractChunks(bytes);
  const actl = chunks.find((c) => c.name === 'acTL')!;
  expect(new DataView(actl.data.buffer, actl.data.byteOffset).getUint32(0)).toBe(frames);
  expect(chunks.filter((c) => c.name === 'fcTL')).toHaveLength(frames);
  // Viewers without APNG support show the first frame: still a valid 64x48 PNG.
  const still = PNG.sync.read(Buffer.from(bytes));
  expect([still.width, still.height]).toEqual([64, 48]);
});
