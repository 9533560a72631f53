/**
 * Times the explorer's top-nine search in the built page, as a person would run it: 20 images of
 * 224 x 224 dropped on the pool, a layer picked, "Find the top nine"; the figure is the page's own
 * (the time it prints under the grid). Demo weights (same shapes and cost as the pretrained ones),
 * both workers on wasm. Needs a built dist/ (npx vite build); starts its own vite preview.
 *
 *   npx tsx scripts/explorer-timing-browser.ts [--port 4185] [--images 20] [--size 224] [layer ...]
 *
 * Default layer: block5_conv3 (the deepest: the slowest search).
 */
import os from 'node:os';
import { chromium, expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browserFlags';
import { useDemoWeights } from '../e2e/helpers';
import { startPreview } from './previewServer';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '4185'));
const count = Number(arg('images', '20'));
const size = Number(arg('size', '224'));
const layers = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const chosen = layers.length > 0 ? layers : ['block5_conv3'];

/** A varied pool: coloured waves of a different frequency and angle in each image. */
function poolImage(i: number): number[] {
  const png = new PNG({ width: size, height: size });
  const angle = (i * Math.PI) / count;
  const freq = 0.05 + 0.02 * i;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = freq * (x * Math.cos(angle) + y * Math.sin(angle));
      const o = 4 * (y * size + x);
      png.data[o] = 128 + 120 * Math.sin(t);
      png.data[o + 1] = 128 + 120 * Math.sin(t * 1.7 + i);
      png.data[o + 2] = 128 + 120 * Math.cos(t * 0.6 + 2 * i);
      png.data[o + 3] = 255;
    }
  }
  return [...PNG.sync.write(png)];
}

/** Drops the images on the explorer's pool at once, as a selection dragged from a folder. */
async function dropPool(page: Page): Promise<void> {
  const files = Array.from({ length: count }, (_, i) => ({
    name: `pool-${i}.png`,
    bytes: poolImage(i),
  }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
    }
    return dt;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.getByTestId('explorer-pool').dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

async function main(): Promise<void> {
  const { url, stop } = await startPreview(port);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // wasm chosen (as a returning visitor would have it): no first-visit calibration competing.
    await page.addInitScript(() => {
      const saved = { state: { backend: 'wasm' }, version: 1 };
      localStorage.setItem('style-transfer-settings', JSON.stringify(saved));
    });
    await page.goto(url);
    await useDemoWeights(page);
    await page.getByRole('link', { name: 'Explore the network' }).click();
    const status = page.getByTestId('explorer-status');
    await expect(status).toHaveAttribute('data-ready', 'true', { timeout: 180_000 });
    await dropPool(page);
    await expect(page.getByTestId('pool-count')).toHaveText(`(${count} images)`);
    const working = page.getByLabel('Working size (px, longer side)');
    await working.fill('');
    await working.pressSequentially(String(size));
    console.log(
      `${(await status.textContent())?.replace(/^.*Backend/, 'Backend')} ${count} images of ` +
        `${size}x${size}, Chromium ${browser.version()}, ${os.cpus().length} cores`,
    );
    for (const layer of chosen) {
      const load = os.loadavg()[0];
      await page.getByLabel('Layer to explore').selectOption(layer);
      await page.getByRole('button', { name: 'Find the top nine' }).click();
      const summary = page.getByTestId('search-summary');
      await expect(summary).toContainText(`${layer}:`, { timeout: 1_800_000 });
      const ms = Number(await summary.getAttribute('data-ms'));
      console.log(
        `${layer}: ${(ms / 1000).toFixed(1)} s for ${count} images (${(ms / count / 1000).toFixed(2)} s ` +
          `per image); 1-min load average ${load.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`,
      );
    }
  } finally {
    await browser.close();
    stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
