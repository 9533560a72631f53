/**
 * Runs before the other e2e tests: a first visit that lets the page measure its backends once
 * (as every visitor's first visit does), then keeps only that calibration as the browser storage
 * the other tests start from (with Advanced settings unfolded). They meet the page as a returning
 * visitor would, instead of each paying a minute of measurement; e2e/speed.spec.ts tests the
 * first visit itself.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test as setup } from '@playwright/test';

const RETURNING_VISITOR_STATE = 'test-results-state/returning-visitor.json';
const CALIBRATION_KEY = 'style-transfer:calibration';
// A returning visitor who unfolded "Advanced settings" once (the page remembers it): every
// setting is in reach. e2e/resultFirst.spec.ts tests the fold itself.
const ADVANCED_FOLD_KEY = 'style-transfer:advanced';

setup('a first visit measures the backends', async ({ page, baseURL }) => {
  // SwiftShader's first WebGL pass compiles every shader: half a minute on a quiet 2-core machine.
  setup.setTimeout(400_000);
  await page.goto('/');
  // No weights needed: the backends are measured in their own worker, CPU first, and the figures
  // are kept once every backend is in (a software renderer's first pass can take half a minute).
  const pending = () =>
    page.evaluate((k) => {
      const c = localStorage.getItem(k);
      return c ? ((JSON.parse(c) as { pending?: string[] }).pending?.length ?? 0) : -1;
    }, CALIBRATION_KEY);
  await expect.poll(pending, { timeout: 300_000, intervals: [500] }).toBe(0);
  const calibration = await page.evaluate((k) => localStorage.getItem(k), CALIBRATION_KEY);
  expect(calibration).not.toBeNull();
  mkdirSync(dirname(RETURNING_VISITOR_STATE), { recursive: true });
  writeFileSync(
    RETURNING_VISITOR_STATE,
    JSON.stringify({
      cookies: [],
      origins: [
        {
          origin: new URL(baseURL!).origin,
          localStorage: [
            { name: CALIBRATION_KEY, value: calibration },
            { name: ADVANCED_FOLD_KEY, value: 'on' },
          ],
        },
      ],
    }),
  );
});
