/**
 * `npm run bench:plan`: how well the page plans on this device (issue 20). Headless Chromium with
 * the e2e flags on a fresh profile (a first visit): the time from the first click on Start to the
 * first preview (iteration 1); then, for 128, 256 and 512 px with coarse to fine on and 30
 * iterations, the page's estimate before Start against the run's real wall time (click to 'done').
 * Prints a table with the ratios, and the load average (the machine may be shared).
 * Flags: --port N (BENCH_PORT, default 4312), --sizes 128,256,512, --no-build.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/browserFlags';
import { startPreview } from '../previewServer';
import { ROOT } from './inputs';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const PORT = Number(flag('--port') ?? process.env.BENCH_PORT ?? 4312);
const SIZES = (flag('--sizes') ?? '128,256,512').split(',').map(Number);
const ITERATIONS = 30;
const RUN_TIMEOUT_MS = 40 * 60_000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function typeInto(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label);
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
  await field.press('Enter');
}

async function clickStart(page: Page): Promise<number> {
  const button = page.getByRole('button', { name: /^(Start|Restart)$/ });
  await button.click();
  const t0 = performance.now();
  const confirm = page.getByRole('button', { name: 'Restart from scratch' });
  if (await confirm.isVisible()) await confirm.click();
  return t0;
}

async function iterationAtLeast(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      Number(document.querySelector('[data-testid=iteration]')?.getAttribute('data-value')) >= n,
    n,
    { timeout: RUN_TIMEOUT_MS, polling: 50 },
  );
}

async function main(): Promise<void> {
  if (!args.includes('--no-build')) {
    const r = spawnSync(`${ROOT}/node_modules/.bin/vite`, ['build', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const server = await startPreview(PORT);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const lines: string[] = [];
  const log = (l: string) => {
    lines.push(l);
    console.log(l);
  };
  try {
    log(`load average at start: ${load()}`);
    // A fresh profile: no calibration, no weights cached, nothing set.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Try samples' }).click();
    const start = page.getByRole('button', { name: 'Start' });
    await start.waitFor();
    await page.waitForFunction(
      () => !(document.querySelector('button.primary') as HTMLButtonElement | null)?.disabled,
      undefined,
      { timeout: 300_000 },
    );
    const size = await page.getByLabel('Output long side (px)').inputValue();
    const its = await page.getByLabel('Iterations').inputValue();
    const t0 = await clickStart(page);
    await iterationAtLeast(page, 1);
    const firstPreview = (performance.now() - t0) / 1000;
    const measuring = await page
      .getByTestId('calibrating')
      .textContent()
      .catch(() => null);
    log(
      `first visit: first preview ${firstPreview.toFixed(1)} s after Start ` +
        `(defaults ${size} px, ${its} iterations${measuring ? `; meanwhile: ${measuring}` : ''})`,
    );
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-state]')?.textContent === 'stopped',
    );

    // A first visit has Advanced folded: the budget and coarse to fine are in there.
    await page.getByText('Advanced settings', { exact: true }).click();
    const coarse = page.getByLabel('Coarse to fine (stages doubling up to the output size)');
    if (!(await coarse.isChecked())) await coarse.check();
    log('');
    log(
      '| long side | output | backend | estimate before Start | real wall time | estimate ÷ actual |',
    );
    log('| --- | --- | --- | --- | --- | --- |');
    for (const side of SIZES) {
      await typeInto(page, 'Output long side (px)', String(side));
      await typeInto(page, 'Iterations', String(ITERATIONS));
      const estimate = page.getByTestId('estimate');
      await estimate.waitFor();
      const estMs = Number(await estimate.getAttribute('data-ms'));
      const backend = await estimate.getAttribute('data-backend');
      const text = (await estimate.textContent()) ?? '';
      const output = /at (\d+×\d+) px/.exec(text)?.[1] ?? '?';
      const t = await clickStart(page);
      await page.waitForFunction(
        () => document.querySelector('[data-testid=run-state]')?.textContent === 'done',
        undefined,
        { timeout: RUN_TIMEOUT_MS, polling: 50 },
      );
      const actualMs = performance.now() - t;
      log(
        `| ${side} | ${output} | ${backend} | ${(estMs / 1000).toFixed(1)} s | ` +
          `${(actualMs / 1000).toFixed(1)} s | ${(estMs / actualMs).toFixed(2)} |`,
      );
    }
    log('');
    log(`load average at the end: ${load()}`);
    await context.close();
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
