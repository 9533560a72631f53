/**
 * Bad input, faults and leaks: every case leaves a clear message, keeps the images and settings
 * already there, and leaves the page usable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  canvasPixels,
  collectPageErrors,
  colouredFraction,
  describeLongTasks,
  downloadPng,
  fillAndEnter,
  FIXTURES,
  longTasks,
  prepareShallowRun,
  readValue,
  recordLongTasks,
  settledWorkerMemory,
  startRun,
  waitForIteration,
  workerMemory,
} from './helpers';
import {
  bigTwoColourPng,
  corruptPng,
  headerOnlyPng,
  png,
  twoFrameGif,
  withExifOrientation,
  type TestFile,
} from './fixtures/makeImages';

test.describe.configure({ mode: 'serial' });

function fixture(name: string): TestFile {
  return { name, mime: 'image/png', bytes: readFileSync(join(FIXTURES, name)) };
}

/** Drops several files at once on `target` (one DataTransfer, as a person dragging a selection). */
async function dropFiles(page: Page, target: Locator, files: TestFile[]): Promise<void> {
  const dataTransfer = await makeDataTransfer(page, files);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

/** The files as a DataTransfer in the page (built apart from the drop, so timing can skip it). */
function makeDataTransfer(page: Page, files: TestFile[]) {
  return page.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.mime }));
      }
      return dt;
    },
    files.map((f) => ({ name: f.name, mime: f.mime, b64: f.bytes.toString('base64') })),
  );
}

/** RGBA of the thumbnail's pixel at fractions (fx, fy) of its natural size. */
async function thumbPixel(page: Page, slot: string, fx: number, fy: number): Promise<number[]> {
  const img = page.getByTestId(`dropzone-${slot}`).locator('img');
  await expect(img).toHaveJSProperty('complete', true);
  return img.evaluate(
    (el: HTMLImageElement, [fx, fy]) => {
      const c = new OffscreenCanvas(el.naturalWidth, el.naturalHeight);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(el, 0, 0);
      const x = Math.min(el.naturalWidth - 1, Math.floor(fx * el.naturalWidth));
      const y = Math.min(el.naturalHeight - 1, Math.floor(fy * el.naturalHeight));
      return Array.from(ctx.getImageData(x, y, 1, 1).data);
    },
    [fx, fy],
  );
}

interface InputPixels {
  width: number;
  height: number;
  rgba: number[];
}

/** The RGBA pixel at (fx, fy) of what Start would send the worker for `slot`. */
async function inputPixel(page: Page, slot: string, fx: number, fy: number): Promise<number[]> {
  const p = await page.evaluate(
    (slot) =>
      (
        window as unknown as { __styleDebug: { inputPixels(s: string): InputPixels } }
      ).__styleDebug.inputPixels(slot),
    slot,
  );
  const x = Math.min(p.width - 1, Math.floor(fx * p.width));
  const y = Math.min(p.height - 1, Math.floor(fy * p.height));
  return p.rgba.slice((y * p.width + x) * 4, (y * p.width + x) * 4 + 4);
}

function expectColour(actual: number[], expected: number[], tol = 40): void {
  for (let k = 0; k < 3; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThanOrEqual(tol);
}

const errorLine = (page: Page) => page.getByRole('alert');

test('files that are not usable images get a message naming the file; the image stays', async ({
  page,
}) => {
  await page.goto('/?debug');
  const content = page.getByTestId('dropzone-content');
  await dropFiles(page, content, [fixture('content.png')]);
  await expect(page.getByTestId('size-content')).toContainText('content.png · 64×48 px');

  const contentPng = readFileSync(join(FIXTURES, 'content.png'));
  const bad: [TestFile, RegExp][] = [
    [
      { name: 'notes.txt', mime: 'text/plain', bytes: Buffer.from('hello, not a picture\n') },
      /"notes\.txt" is not an image .*a text file/,
    ],
    [
      {
        name: 'paper.pdf',
        mime: 'application/pdf',
        bytes: Buffer.from('%PDF-1.4\n%\xe2\xe3\n1 0 obj'),
      },
      /"paper\.pdf" is not an image .*a PDF document/,
    ],
    [
      {
        name: 'photos.zip',
        mime: 'application/zip',
        bytes: Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0, 1, 2, 3, 4]),
      },
      /"photos\.zip" is not an image .*a ZIP archive/,
    ],
    [
      { name: 'empty.png', mime: 'image/png', bytes: Buffer.alloc(0) },
      /"empty\.png" is empty \(0 bytes\)/,
    ],
    [
      { name: 'cut.png', mime: 'image/png', bytes: contentPng.subarray(0, contentPng.length >> 1) },
      /"cut\.png" is a truncated PNG: the PNG ends before its IEND chunk/,
    ],
    [
      { name: 'noise.png', mime: 'image/png', bytes: corruptPng(40, 30) },
      /"noise\.png" is a corrupt PNG: the browser could not decode it/,
    ],
    [
      { name: 'tiny.png', mime: 'image/png', bytes: png(8, 8, () => [0, 128, 0, 255]) },
      /"tiny\.png" is too small \(8×8 px\): images need at least 16 px on each side/,
    ],
    [
      { name: 'giant.png', mime: 'image/png', bytes: headerOnlyPng(40000, 30000) },
      /"giant\.png" is too large to open \(40000×30000 px, 1200 MP\): the limit is 30000 px/,
    ],
  ];
  for (const [file, message] of bad) {
    await dropFiles(page, content, [file]);
    await expect(errorLine(page)).toContainText(message);
    await expect(errorLine(page)).toContainText('The previous image is kept.');
    await expect(page.getByTestId('size-content')).toContainText('content.png · 64×48 px');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
  }
  // Truncated JPEG: made by the browser, cut in half here.
  const jpeg = await browserJpeg(page, 64, 32);
  await dropFiles(page, content, [
    { name: 'cut.jpg', mime: 'image/jpeg', bytes: jpeg.subarray(0, jpeg.length >> 1) },
  ]);
  await expect(errorLine(page)).toContainText(/"cut\.jpg" is a truncated JPEG/);
  await expect(page.getByTestId('size-content')).toContainText('content.png');
  await expect(page.getByTestId('image-limits')).toContainText('scaled down on load');
});

/** A JPEG made by the page's canvas: left half red, right half blue. */
async function browserJpeg(page: Page, w: number, h: number): Promise<Buffer> {
  const b64 = await page.evaluate(
    async ([w, h]) => {
      const c = new OffscreenCanvas(w, h);
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = 'rgb(255,0,0)';
      ctx.fillRect(0, 0, w / 2, h);
      ctx.fillStyle = 'rgb(0,0,255)';
      ctx.fillRect(w / 2, 0, w / 2, h);
      const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    },
    [w, h],
  );
  return Buffer.from(b64, 'base64');
}

test('EXIF orientation, transparency, animated GIF, several files at once', async ({ page }) => {
  await page.goto('/?debug');
  const content = page.getByTestId('dropzone-content');
  const style = page.getByTestId('dropzone-style');

  // Orientation 6: stored 64×32 with red left, shown 32×64 with red on top.
  const jpeg = withExifOrientation(await browserJpeg(page, 64, 32), 6);
  await dropFiles(page, content, [{ name: 'rotated.jpg', mime: 'image/jpeg', bytes: jpeg }]);
  await expect(page.getByTestId('size-content')).toContainText('rotated.jpg · 32×64 px');
  await expect(page.getByTestId('notes-content')).toContainText('EXIF orientation (6)');
  expectColour(await thumbPixel(page, 'content', 0.5, 0.15), [255, 0, 0]);
  expectColour(await thumbPixel(page, 'content', 0.5, 0.85), [0, 0, 255]);
  expectColour(await inputPixel(page, 'content', 0.5, 0.15), [255, 0, 0]);
  expectColour(await inputPixel(page, 'content', 0.5, 0.85), [0, 0, 255]);

  // Transparency: the left half is fully transparent, so it becomes white.
  const seeThrough = png(32, 32, (x) => (x < 16 ? [0, 0, 0, 0] : [0, 160, 0, 255]));
  await dropFiles(page, style, [{ name: 'alpha.png', mime: 'image/png', bytes: seeThrough }]);
  await expect(page.getByTestId('notes-style')).toContainText(
    'Transparent areas are placed on white.',
  );
  expectColour(await thumbPixel(page, 'style', 0.2, 0.5), [255, 255, 255], 2);
  expectColour(await thumbPixel(page, 'style', 0.8, 0.5), [0, 160, 0], 2);
  expectColour(await inputPixel(page, 'style', 0.1, 0.5), [255, 255, 255], 2);

  // Animated GIF: the first (red) frame, and the page says so.
  await dropFiles(page, style, [
    { name: 'anim.gif', mime: 'image/gif', bytes: twoFrameGif(24, 24) },
  ]);
  await expect(page.getByTestId('size-style')).toContainText('anim.gif · 24×24 px');
  await expect(page.getByTestId('notes-style')).toContainText(
    'Animated GIF: the first frame is used.',
  );
  expectColour(await thumbPixel(page, 'style', 0.5, 0.5), [255, 0, 0], 2);

  // A reload brings both back from the files as picked: the rotation is read from EXIF again.
  await page.reload();
  await expect(page.getByTestId('size-content')).toContainText('rotated.jpg · 32×64 px');
  await expect(page.getByTestId('notes-content')).toContainText('EXIF orientation (6)');
  await expect(page.getByTestId('size-style')).toContainText('anim.gif · 24×24 px');
  expectColour(await thumbPixel(page, 'content', 0.5, 0.15), [255, 0, 0]);

  // Several files on a fresh page (its kept images forgotten): first to this slot, second to the
  // empty other slot.
  await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.deleteDatabase('style-transfer-session');
        req.onsuccess = resolve;
        req.onerror = () => reject(req.error);
      }),
  );
  await page.reload();
  await dropFiles(page, page.getByTestId('dropzone-style'), [
    fixture('style.png'),
    fixture('content.png'),
  ]);
  await expect(page.getByTestId('size-style')).toContainText('style.png');
  await expect(page.getByTestId('size-content')).toContainText('content.png');
  await expect(page.getByTestId('notice')).toHaveText(
    /2 files dropped: used "style\.png" and "content\.png" for style and content\./,
  );
  // Both slots full: three files on content use the first and say the rest were left out.
  const gif = { name: 'anim.gif', mime: 'image/gif', bytes: twoFrameGif(24, 24) };
  await dropFiles(page, page.getByTestId('dropzone-content'), [
    gif,
    fixture('style.png'),
    fixture('content.png'),
  ]);
  await expect(page.getByTestId('size-content')).toContainText('anim.gif');
  await expect(page.getByTestId('size-style')).toContainText('style.png');
  await expect(page.getByTestId('notice')).toHaveText(
    /3 files dropped: used "anim\.gif" for content; ignored the other 2\./,
  );
});

test('a 12000×9000 image is scaled down while decoding, without freezing the page', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  await recordLongTasks(page);
  await page.goto('/?debug');
  const big = bigTwoColourPng(12000, 9000, [200, 30, 30], [30, 30, 200]);
  info.annotations.push({ type: '12000x9000 PNG file size', description: `${big.length} bytes` });
  const heapBefore = await page.evaluate(
    () =>
      (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
      0,
  );
  // Sample the JS heap while the image loads.
  await page.evaluate(() => {
    const w = window as unknown as { __heapPeak: number; __heapTimer: number };
    const mem = () =>
      (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
      0;
    w.__heapPeak = mem();
    w.__heapTimer = window.setInterval(() => (w.__heapPeak = Math.max(w.__heapPeak, mem())), 20);
  });
  const dataTransfer = await makeDataTransfer(page, [
    { name: 'huge.png', mime: 'image/png', bytes: big },
  ]);
  await page.waitForTimeout(300); // lets the harness's own long task end before timing starts
  const t0 = await page.evaluate(() => performance.now());
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.getByTestId('dropzone-content').dispatchEvent(type, { dataTransfer });
  }
  await expect(page.getByTestId('size-content')).toContainText('huge.png · 2048×1536 px', {
    timeout: 90_000,
  });
  const loadMs = (await page.evaluate(() => performance.now())) - t0;
  await expect(page.getByTestId('notes-content')).toContainText(
    'Scaled down from 12000×9000 to 2048×1536 px on load (limit 2048 px).',
  );
  expectColour(await inputPixel(page, 'content', 0.2, 0.5), [200, 30, 30], 4);
  expectColour(await inputPixel(page, 'content', 0.8, 0.5), [30, 30, 200], 4);
  const heapPeak = await page.evaluate(() => {
    const w = window as unknown as { __heapPeak: number; __heapTimer: number };
    clearInterval(w.__heapTimer);
    return w.__heapPeak;
  });
  const tasks = (await longTasks(page)).filter((t) => t.start >= t0);
  const maxTask = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
  const report =
    `load ${loadMs.toFixed(0)} ms; long tasks ${describeLongTasks(tasks)}; ` +
    `JS heap ${mb(heapBefore)} -> peak ${mb(heapPeak)}`;
  info.annotations.push({ type: '12000x9000 PNG intake', description: report });
  console.log(`12000x9000 PNG intake: ${report}`);
  // A full-size RGBA bitmap would be 412 MB; the JS heap must never hold anything like it.
  expect(heapPeak - heapBefore).toBeLessThan(100 * 2 ** 20);
  // No fixed time limit (the machine is shared): the decode must not be one main-thread task that
  // holds the page for most of the intake, as a synchronous full-size decode would.
  expect(maxTask).toBeLessThan(0.5 * loadMs);
});

const runState = (page: Page) => page.getByTestId('run-state');

test('an absurd learning rate: the run pauses, says so, and the download is the last finite image', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await prepareShallowRun(page, 'block2_conv2', { longSide: 64, iterations: 100 });
  await startRun(page);
  const finiteAt = await waitForIteration(page, 2);
  // The field's largest rate: Adam moves every pixel by about that much, past the clip bounds.
  await fillAndEnter(page, 'Learning rate value', '1000');
  await expect(runState(page)).toHaveText('paused');
  await expect(
    page.getByText(
      /(The loss jumped|The image saturated).* \(learning rate 1000\): paused and kept the last good image/,
    ),
  ).toBeVisible();
  expect(Number.isFinite(await readValue(page, 'loss-total'))).toBe(true);
  const keptAt = await readValue(page, 'iteration');
  expect(keptAt).toBeGreaterThanOrEqual(finiteAt);

  const img = await downloadPng(page);
  expect([img.width, img.height]).toEqual([64, 48]);
  // Not blank: a spread of values across the image, as the content photo has.
  let min = 255;
  let max = 0;
  const seen = new Set<number>();
  for (let i = 0; i < img.data.length; i += 4) {
    const v = img.data[i] + img.data[i + 1] + img.data[i + 2];
    min = Math.min(min, v);
    max = Math.max(max, v);
    seen.add(v);
  }
  expect(max - min).toBeGreaterThan(100);
  expect(seen.size).toBeGreaterThan(50);
  expect(colouredFraction(img)).toBeGreaterThan(0.3);

  // Back to a sane rate: resume goes on from the kept image.
  await fillAndEnter(page, 'Learning rate value', '2');
  await page.getByRole('button', { name: 'Resume' }).click();
  await waitForIteration(page, keptAt + 1);
  expect(Number.isFinite(await readValue(page, 'loss-total'))).toBe(true);
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('the worker dies: a new one starts, images and settings stay, the run resumes', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/?debug');
  await prepareShallowRun(page, 'block2_conv2', { longSide: 64, iterations: 50 });
  await fillAndEnter(page, 'Content weight α value', '12');
  await startRun(page);
  await waitForIteration(page, 1);

  await page.evaluate(() =>
    (window as unknown as { __styleDebug: { crash(): void } }).__styleDebug.crash(),
  );
  await expect(errorLine(page)).toContainText(/The style worker failed \(.*\) and was restarted/);
  await expect(errorLine(page)).toContainText('Your images and settings are kept');
  await expect(errorLine(page)).toContainText(
    /the run resumes from iteration \d+, the last good image, with Adam's moments/,
  );
  const message = (await errorLine(page).textContent()) ?? '';
  const resumedFrom = Number(/resumes from iteration (\d+)/.exec(message)![1]);
  // Weights come back from the IndexedDB cache into the new worker, and the run goes on.
  await expect(page.getByTestId('weights-status')).toContainText('Demo weights loaded from cache', {
    timeout: 120_000,
  });
  await waitForIteration(page, resumedFrom + 1);
  await expect(runState(page)).toHaveText('running');
  await expect(page.getByTestId('size-content')).toContainText('content.png · 64×48 px');
  await expect(page.getByTestId('size-style')).toContainText('style.png · 48×40 px');
  await expect(page.getByLabel('Content weight α value')).toHaveValue('12');
  await expect(page.getByRole('button', { name: 'Remove block3_conv1' })).toHaveCount(0);
  await expect(page.getByTestId('applied-alpha')).toHaveText('applied: 12');
  // The fresh canvas is the one the new worker draws on.
  expect(colouredFraction(await canvasPixels(page))).toBeGreaterThan(0.5);
  await page.getByRole('button', { name: 'Stop' }).click();
});

// The step caught by the loss never resumes from its pending readback: the run loop frees what that
// readback held (src/engine/heldReads.ts), else its gradient and losses stayed on the books. Memory
// is measured at rest (after the worker's queued jobs and the step in flight).
test('WebGL context lost mid-run: the backend is rebuilt and the run resumes', async ({
  page,
}, info) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await page.goto('/?debug');
  await page.getByLabel('Backend').selectOption('webgl');
  await expect(page.getByTestId('backend')).toContainText('Backend: webgl');
  await prepareShallowRun(page, 'block2_conv2', { longSide: 64, iterations: 100 });
  await startRun(page);
  const lostAfter = await waitForIteration(page, 2, 180_000);
  const before = await workerMemory(page);
  await page.evaluate(() =>
    (window as unknown as { __styleDebug: { loseContext(): void } }).__styleDebug.loseContext(),
  );
  // Adam's moments come back too (the unit test src/engine/checkpoint.test.ts shows the same J).
  await expect(
    page.getByText(
      /The WebGL context was lost at iteration \d+; rebuilt the backend and resumed from iteration \d+ with the optimiser's state/,
    ),
  ).toBeVisible({ timeout: 120_000 });
  const resumedFrom = await readValue(page, 'iteration');
  expect(resumedFrom).toBeGreaterThanOrEqual(lostAfter);
  await waitForIteration(page, resumedFrom + 2, 180_000);
  await expect(runState(page)).toHaveText('running');
  expect(Number.isFinite(await readValue(page, 'loss-total'))).toBe(true);
  expect(colouredFraction(await canvasPixels(page))).toBeGreaterThan(0.5);
  await expect(page.getByTestId('backend')).toContainText('Backend: webgl');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(runState(page)).toHaveText('stopped');
  const after = await workerMemory(page);
  info.annotations.push({
    type: 'tf.memory() before loss / after recovery',
    description: `${JSON.stringify(before)} / ${JSON.stringify(after)}`,
  });
  console.log(
    `context loss: tf.memory() before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
  );
  // The old backend's tensors are gone from the books; the new one holds the same set.
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes).toBe(before.numBytes);
  // Textures may be fewer after the rebuild (a tensor uploaded from the CPU copy lives in a texture
  // only once a kernel reads it); more would be the lost context's textures still on the books.
  expect(after.numBytesInGPU).toBeLessThanOrEqual(before.numBytesInGPU!);
  expect(errors).toEqual([]);
});

// wasm (what auto picks here) for the full 50 cycles; webgl for fewer (SwiftShader is slow), to
// check GPU bytes as well.
for (const [backend, cycles] of [
  ['auto', 50],
  ['webgl', 10],
] as const) {
  test(`${cycles} start/stop cycles on ${backend} with slider drags: no error, memory back to baseline`, async ({
    page,
  }, info) => {
    test.setTimeout(300_000);
    const errors = collectPageErrors(page);
    await page.goto('/?debug');
    await page.getByLabel('Backend').selectOption(backend);
    await prepareShallowRun(page, 'block2_conv2', { longSide: 64, iterations: 1000 });
    const stop = page.getByRole('button', { name: 'Stop' });

    // Baseline: weights plus one stopped run (a stopped run keeps its image for download).
    await startRun(page);
    await waitForIteration(page, 1);
    await stop.click();
    await expect(runState(page)).toHaveText('stopped');
    const baseline = await settledWorkerMemory(page);

    const beta = page.getByLabel('Style weight β', { exact: true });
    const t0 = Date.now();
    // The last cycle is the baseline's twin (one step, then stop): a run stopped before its first
    // step has not made Adam's two moment tensors yet, which is no leak but would differ.
    for (let cycle = 0; cycle < cycles - 1; cycle++) {
      await startRun(page);
      if (cycle % 5 === 0) {
        // Every fifth cycle runs a step and drags a slider fast while it runs.
        await waitForIteration(page, 1);
        await beta.focus();
        for (let k = 0; k < 15; k++) await page.keyboard.press(k % 2 ? 'ArrowLeft' : 'ArrowRight');
      }
      await expect(stop).toBeEnabled();
      await stop.click();
      await expect(runState(page)).toHaveText('stopped');
    }
    await startRun(page);
    await waitForIteration(page, 1);
    await stop.click();
    await expect(runState(page)).toHaveText('stopped');
    const after = await settledWorkerMemory(page);
    const report = `baseline ${JSON.stringify(baseline)}; after ${cycles} cycles ${JSON.stringify(after)}; ${((Date.now() - t0) / 1000).toFixed(0)} s`;
    info.annotations.push({ type: 'tf.memory()', description: report });
    console.log(`stress (${backend}): ${report}`);
    expect(after.numTensors).toBe(baseline.numTensors);
    expect(after.numBytes).toBe(baseline.numBytes);
    if (baseline.numBytesInGPU !== null) expect(after.numBytesInGPU).toBe(baseline.numBytesInGPU);
    await expect(errorLine(page)).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}
