/**
 * Coarse-to-fine stages, kept colours, several styles and the style scale, driven on the page with
 * the demo weights (tiny images: the machine is shared and has no GPU).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import {
  collectPageErrors,
  downloadPng,
  dropBytes,
  dropContentAndStyle,
  FIXTURES,
  iteration,
  prepareDemoRun,
  startRun,
  typeInto,
  waitForIteration,
} from './helpers';

test.describe.configure({ mode: 'serial' });

const SECOND_STYLE = join(import.meta.dirname, '..', 'public', 'samples', 'brush-strokes.png');

async function dropInputs(page: Page): Promise<void> {
  await dropContentAndStyle(page);
  await expect(page.getByTestId('size-style')).toContainText('48×40 px');
}

function yiq(r: number, g: number, b: number): [number, number, number] {
  return [
    0.299 * r + 0.587 * g + 0.114 * b,
    0.595716 * r - 0.274453 * g - 0.321263 * b,
    0.211456 * r - 0.522591 * g + 0.311135 * b,
  ];
}

/** Mean |I - I'| + |Q - Q'| over the pixels of two same-size images. */
function chromaDistance(a: PNG, b: PNG): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const [, ia, qa] = yiq(a.data[i], a.data[i + 1], a.data[i + 2]);
    const [, ib, qb] = yiq(b.data[i], b.data[i + 1], b.data[i + 2]);
    sum += Math.abs(ia - ib) + Math.abs(qa - qb);
  }
  return sum / (a.data.length / 4);
}

function meanColour(p: PNG): [number, number, number] {
  const m = [0, 0, 0];
  for (let i = 0; i < p.data.length; i += 4) for (let k = 0; k < 3; k++) m[k] += p.data[i + k];
  return m.map((v) => v / (p.data.length / 4)) as [number, number, number];
}

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));

test('a coarse-to-fine run goes through its stages to the output size; the PNG has that size', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await page.goto('/');
  await dropInputs(page);
  // 64 px: stages 32 then 64 px; 6 iterations: 4 at 32 px (the cheap stage gets two shares), 2 at 64.
  await prepareDemoRun(page, { longSide: 64, iterations: 6 });
  await expect(
    page.getByLabel('Coarse to fine (stages doubling up to the output size)'),
  ).toBeChecked();
  await startRun(page);
  await expect(page.getByTestId('stage')).toHaveText('stage 1 of 2 · 32 px', { timeout: 120_000 });
  await expect(page.getByTestId('stage')).toHaveText('stage 2 of 2 · 64 px', { timeout: 120_000 });
  await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
  expect(await iteration(page)).toBe(6);
  const png = await downloadPng(page);
  expect([png.width, png.height]).toEqual([64, 48]);
  expect(errors).toEqual([]);
});

test('keeping the colours: luminance only keeps the content chroma; colour matching recolours the style', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await dropInputs(page);
  await prepareDemoRun(page, { longSide: 64, iterations: 1 });
  await page.getByLabel('Coarse to fine (stages doubling up to the output size)').uncheck();
  // From the style image: without a colour mode the result has the style's colours.
  await page.getByLabel('Initial image').selectOption('style');
  const content = PNG.sync.read(readFileSync(join(FIXTURES, 'content.png')));

  const runOnce = async (mode: 'none' | 'luminance' | 'match'): Promise<PNG> => {
    await page.getByLabel('Colours').selectOption(mode);
    await startRun(page);
    await expect(page.getByTestId('run-state')).toHaveText('done', { timeout: 120_000 });
    return downloadPng(page);
  };
  const plain = await runOnce('none');
  const luminance = await runOnce('luminance');
  const matched = await runOnce('match');

  const plainChroma = chromaDistance(plain, content);
  const keptChroma = chromaDistance(luminance, content);
  console.log(
    `chroma distance to the content: none ${plainChroma.toFixed(2)}, luminance ${keptChroma.toFixed(2)}`,
  );
  // 8-bit rounding of R, G, B moves I + Q by at most ~1.1; pixels clipped at 0 or 255 a little more.
  expect(keptChroma).toBeLessThan(1.5);
  expect(plainChroma).toBeGreaterThan(10 * keptChroma);

  const [c, p, m] = [meanColour(content), meanColour(plain), meanColour(matched)];
  console.log(
    `mean colour: content ${c.map(Math.round)}, none ${p.map(Math.round)}, match ${m.map(Math.round)}`,
  );
  expect(dist(m, c)).toBeLessThan(0.3 * dist(p, c));

  // Saved with the other settings.
  await page.reload();
  await expect(page.getByLabel('Colours')).toHaveValue('match');
});

test('two styles whose blend weight changes mid-run, and a style-scale change', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await page.goto('/');
  await dropInputs(page);
  await dropBytes(
    page,
    page.getByTestId('style-blend'),
    readFileSync(SECOND_STYLE),
    'brush-strokes.png',
  );
  await expect(page.getByTestId('size-style2')).toContainText('brush-strokes.png');
  await prepareDemoRun(page, { longSide: 64, iterations: 200 });
  await startRun(page);
  await expect(page.getByTestId('applied-blend-2')).toHaveText('applied: 1', { timeout: 120_000 });
  await waitForIteration(page, 1);

  const blend2 = page.getByLabel(/Blend weight, style 2 .* value/);
  await typeInto(blend2, '4');
  await expect(page.getByTestId('applied-blend-2')).toHaveText('applied: 4', { timeout: 120_000 });
  const at = await iteration(page);
  await waitForIteration(page, at + 1);

  const scale = page.getByLabel('Style scale (× output size) value');
  await typeInto(scale, '2');
  await expect(page.getByTestId('applied-style-scale')).toHaveText('applied: 2', {
    timeout: 120_000,
  });
  const at2 = await iteration(page);
  await waitForIteration(page, at2 + 1);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByText(/Setting not applied/)).toHaveCount(0);
  expect(errors).toEqual([]);

  // Both are saved with the other settings.
  await page.reload();
  await expect(page.getByLabel('Style scale (× output size) value')).toHaveValue('2');
});

// On each backend the page measures its own memory growth per pixel (the README's largest sizes).
for (const backend of ['auto', 'webgl'] as const) {
  test(`an output too large for the device is refused on ${backend}, naming the largest size that fits`, async ({
    page,
  }) => {
    test.setTimeout(300_000);
    await page.goto('/');
    await page.getByLabel('Backend').selectOption(backend);
    await dropInputs(page);
    await prepareDemoRun(page, { longSide: 2048, iterations: 10 });
    // Tiles would take 2048 px (issue 21), but not with the content's colours by brightness.
    await page.getByLabel('Colours').selectOption('luminance');
    await startRun(page);
    await expect(page.getByRole('alert')).toContainText(
      /A 2048×1536 output will not fit on this device: it needs about [\d.]+ GiB, more than the .* available\. The largest output that fits here is \d+ px on the long side\. Larger sizes run in tiles, but tiled stages cannot transfer the style to the brightness only\./,
      { timeout: 180_000 },
    );
    await expect(page.getByTestId('run-state')).toHaveText('idle');
    console.log(`refusal (${backend}): ${await page.getByRole('alert').textContent()}`);
  });
}
