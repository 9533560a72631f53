import { defineConfig } from '@playwright/test';

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
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--ignore-gpu-blocklist',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
