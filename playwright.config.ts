import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/browserFlags';

// Not npm start's 4173, so the app and the tests can run side by side; E2E_PORT for parallel checkouts.
const PORT = Number(process.env.E2E_PORT ?? 4174);

/**
 * e2e tests drive the built app (vite preview) in Debian's Chromium: no browser download ever.
 * WebGL runs in SwiftShader (software), so tests use tiny images and few iterations.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  // Two cores: one browser at a time keeps SwiftShader from starving the worker.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // A stray test.only left in a commit would make CI run one test and pass.
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    acceptDownloads: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    // A first visit measures the backends once; every other test starts as a returning visitor
    // with those figures (e2e/calibration.setup.ts), instead of each measuring for a minute.
    { name: 'first-visit', testMatch: /calibration\.setup\.ts$/ },
    {
      name: 'returning-visitor',
      dependencies: ['first-visit'],
      use: { storageState: 'test-results-state/returning-visitor.json' },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
