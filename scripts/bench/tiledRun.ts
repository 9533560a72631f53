/**
 * `node --import tsx scripts/bench/tiledRun.ts [--size 2048] [--iterations 6] [--backend wasm]
 * [--port 4383] [--no-build]` (issue 21): the real run in the page. Headless Chromium with the e2e
 * flags, a fresh profile, the samples, the demo weights, default layers, coarse to fine; the
 * page's estimate before Start (in all and per stage) next to the run's wall time per stage
 * (from the last iteration of the stage before to its own last one) and in all; then "Download
 * PNG" and the file's size. Stages above what fits untiled run in tiles (the page says which).
 * Prints the load average (the machine may be shared).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { typeInto } from '../../e2e/helpers';
import { loadAverage, runBench, withBuiltPage } from './pageHarness';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '2048' },
    iterations: { type: 'string', default: '6' },
    backend: { type: 'string', default: 'wasm' },
    port: { type: 'string', default: process.env.BENCH_PORT ?? '4383' },
    'no-build': { type: 'boolean', default: false },
  },
});
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/** Every change of iteration with its stage and the time it was seen (polled in the page). */
async function watchRun(page: Page): Promise<{ iteration: number; stage: number; t: number }[]> {
  const seen: { iteration: number; stage: number; t: number }[] = [];
  let last = 0;
  for (;;) {
    const s = await page.evaluate(() => ({
      iteration: Number(
        document.querySelector('[data-testid=iteration]')?.getAttribute('data-value'),
      ),
      stage: Number(
        document.querySelector('[data-testid=stage]')?.getAttribute('data-number') ?? 1,
      ),
      state: document.querySelector('[data-testid=run-state]')?.textContent ?? '',
      tile: document.querySelector('[data-testid=tile-progress]')?.textContent ?? '',
    }));
    if (s.iteration > last) {
      last = s.iteration;
      seen.push({ iteration: s.iteration, stage: s.stage, t: performance.now() });
      console.log(`  iteration ${s.iteration} (stage ${s.stage}) at ${seconds(performance.now())}`);
    }
    if (s.state === 'done' || s.state === 'stopped' || s.state === 'paused') {
      if (s.state !== 'done') throw new Error(`the run ended ${s.state}`);
      return seen;
    }
    await page.waitForTimeout(200);
  }
}

async function main(): Promise<void> {
  await withBuiltPage(
    { build: !args['no-build'], port: Number(args.port) },
    async (browser, url) => {
      console.log(`load average at start: ${loadAverage()}`);
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.getByRole('button', { name: 'Try samples' }).click();
      // A first visit has Advanced folded: the backend and coarse to fine are in there.
      await page.getByText('Advanced settings', { exact: true }).click();
      await page.getByLabel('Backend').selectOption(args.backend);
      const coarse = page.getByLabel('Coarse to fine (stages doubling up to the output size)');
      if (!(await coarse.isChecked())) await coarse.check();
      await typeInto(page.getByLabel('Output long side (px)'), args.size);
      await typeInto(page.getByLabel('Iterations'), args.iterations);
      await page.waitForFunction(
        () => !(document.querySelector('button.primary') as HTMLButtonElement | null)?.disabled,
        undefined,
        { timeout: 600_000 },
      );
      const estimate = page.getByTestId('estimate');
      await page.getByTestId('size-limit').waitFor({ timeout: 600_000 });
      console.log(`size field: ${await page.getByTestId('size-limit').textContent()}`);
      console.log(
        `  ${
          (await page
            .getByTestId('size-tiled')
            .textContent()
            .catch(() => '')) ?? ''
        }`,
      );
      await estimate.waitFor();
      console.log(`estimate: ${await estimate.textContent()}`);
      const estTotal = Number(await estimate.getAttribute('data-ms'));
      const estStages = ((await estimate.getAttribute('data-stage-ms')) ?? '')
        .split(',')
        .map(Number);

      await page.getByRole('button', { name: /^(Start|Restart)$/ }).click();
      const t0 = performance.now();
      const seen = await watchRun(page);
      const total = performance.now() - t0;

      console.log('');
      console.log('| stage | estimate before Start | wall time | estimate ÷ actual |');
      console.log('| --- | --- | --- | --- |');
      let prev = t0;
      const stages = [...new Set(seen.map((s) => s.stage))];
      for (const k of stages) {
        const end = seen.filter((s) => s.stage === k).at(-1)!.t;
        const est = estStages[k - 1];
        console.log(
          `| ${k} | ${seconds(est)} | ${seconds(end - prev)} | ${(est / (end - prev)).toFixed(2)} |`,
        );
        prev = end;
      }
      console.log(
        `| all | ${seconds(estTotal)} | ${seconds(total)} | ${(estTotal / total).toFixed(2)} |`,
      );

      const download = page.waitForEvent('download', { timeout: 600_000 });
      const t1 = performance.now();
      await page.getByRole('button', { name: /Download PNG/ }).click();
      const png = PNG.sync.read(readFileSync(await (await download).path()));
      console.log(
        `PNG: ${png.width}x${png.height} (download took ${seconds(performance.now() - t1)}); page errors: ${errors.length ? errors.join('; ') : 'none'}`,
      );
      console.log(`load average at the end: ${loadAverage()}`);
      await context.close();
    },
  );
}

runBench(main);
