/**
 * Twenty fuzzed files (the unit fuzz test's mutations: bit flips, truncations, inflated
 * dimensions, huge lengths) dropped on the image zones and given to the weights panel as a person
 * would. Each gets a message naming it (a refusal, or the thumbnail of an image that still
 * decodes), a refused image leaves the slot's image in place, nothing throws uncaught, and a run
 * works afterwards.
 */
import { test, expect, type Page } from '@playwright/test';
import {
  collectPageErrors,
  dropContentAndStyle,
  dropFile,
  fillAndEnter,
  startRun,
  useDemoWeights,
  waitForIteration,
} from './helpers';
import { FUZZ_KINDS, MUTATIONS, fuzzCase, type FuzzKind } from '../test/fuzz/mutate';
import { fuzzSeeds } from '../test/fuzz/seeds';

const FUZZ_SEED = 20261128;
const TYPE: Record<FuzzKind, { ext: string; mime: string }> = {
  png: { ext: 'png', mime: 'image/png' },
  jpeg: { ext: 'jpg', mime: 'image/jpeg' },
  gif: { ext: 'gif', mime: 'image/gif' },
  webp: { ext: 'webp', mime: 'image/webp' },
  h5: { ext: 'h5', mime: 'application/x-hdf5' },
};

interface Fuzzed {
  kind: FuzzKind;
  name: string;
  mime: string;
  bytes: Buffer;
}

/** Four cases per kind, one of each mutation, from the unit test's seed (5 kinds × 4 = 20). */
async function fuzzedFiles(): Promise<Fuzzed[]> {
  const out: Fuzzed[] = [];
  for (const kind of FUZZ_KINDS) {
    const seeds = await fuzzSeeds(kind);
    for (let index = 100; index < 100 + MUTATIONS.length; index++) {
      const c = fuzzCase(kind, seeds, FUZZ_SEED, index);
      out.push({
        kind,
        name: `fuzz-${index}-${c.mutation}.${TYPE[kind].ext}`,
        mime: TYPE[kind].mime,
        bytes: Buffer.from(c.bytes),
      });
    }
  }
  return out;
}

/** Drops bytes on a zone through a real DataTransfer (dragenter, dragover, drop). */
async function dropBytes(page: Page, slot: string, f: Fuzzed): Promise<void> {
  const target = page.getByTestId(`dropzone-${slot}`);
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name, mime }) => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], name, { type: mime }));
      return dt;
    },
    { b64: f.bytes.toString('base64'), name: f.name, mime: f.mime },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

test('20 fuzzed images and .h5 files each get a message; the page stays usable', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const uncaught = collectPageErrors(page);
  // No pretrained weights on this server: the panel offers the .h5 input and the demo weights.
  await page
    .context()
    .route('**/models/vgg16/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await dropContentAndStyle(page);
  const held: Record<string, string> = { content: 'content.png', style: 'style.png' };
  await expect(page.getByTestId('size-style')).toContainText('style.png');

  const files = await fuzzedFiles();
  expect(files).toHaveLength(20);
  const outcomes: string[] = [];
  const alert = page.getByRole('alert');
  for (const [i, f] of files.filter((f) => f.kind !== 'h5').entries()) {
    const slot = i % 2 ? 'style' : 'content';
    await dropBytes(page, slot, f);
    const size = page.getByTestId(`size-${slot}`);
    // Either a refusal naming the file, or the file decoded and shown under its name.
    await expect
      .poll(
        async () =>
          (await alert.filter({ hasText: `"${f.name}"` }).count()) > 0 ||
          (await size.textContent())?.includes(f.name),
        { message: `a message for ${f.name}` },
      )
      .toBe(true);
    if ((await alert.count()) > 0) {
      outcomes.push(`${f.name}: ${(await alert.textContent())?.replace(/ ×$/, '')}`);
      await expect(size).toContainText(held[slot]);
      await page.getByRole('button', { name: 'Dismiss error' }).click();
    } else {
      outcomes.push(`${f.name}: accepted (${await size.textContent()})`);
      held[slot] = f.name;
    }
  }

  const weightsAlert = page.getByRole('alert').filter({ hasText: 'Weights could not be loaded' });
  for (const f of files.filter((f) => f.kind === 'h5')) {
    await page
      .getByLabel('VGG16 .h5 weights file')
      .setInputFiles({ name: f.name, mimeType: f.mime, buffer: f.bytes });
    await expect(weightsAlert).toContainText(`"${f.name}"`, { timeout: 60_000 });
    outcomes.push(`${f.name}: ${await weightsAlert.locator('p').first().textContent()}`);
  }
  console.log(outcomes.join('\n'));

  // Still usable: good images back in, demo weights, a run takes a step.
  await dropFile(page, page.getByTestId('dropzone-content'), 'content.png');
  await expect(page.getByTestId('size-content')).toContainText('content.png · 64×48 px');
  await dropFile(page, page.getByTestId('dropzone-style'), 'style.png');
  await expect(page.getByTestId('size-style')).toContainText('style.png · 48×40 px');
  await fillAndEnter(page, 'Output long side (px)', '64');
  // Enough iterations that the run is still going when Stop is clicked.
  await fillAndEnter(page, 'Iterations', '1000');
  await useDemoWeights(page);
  await expect(page.getByTestId('demo-label')).toBeVisible({ timeout: 120_000 });
  await startRun(page);
  await waitForIteration(page, 1);
  await page.getByRole('button', { name: 'Stop' }).click();
  expect(uncaught).toEqual([]);
});
