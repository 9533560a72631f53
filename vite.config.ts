import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // No client-side routing: a missing file must be a 404 (e.g. model.json before \`npm run weights\`),
  // not index.html.
  appType: 'mpa',
  // Module workers let the worker import tfjs and the engine like any other module.
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // tfjs-cpu is single-threaded; parallel files on 2 cores only thrash.
    fileParallelism: false,
  },
});
