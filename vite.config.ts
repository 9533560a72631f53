import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Content-Security-Policy of the built app: only its own files; wasm may compile (tfjs-wasm,
 * h5wasm) but nothing may eval; inline styles stay allowed for React/uPlot style attributes.
 * Served as a header by `vite preview` (workers obey their own response's header, not the page's
 * meta) and as a meta tag in the built index.html for any static host. Not in dev: Vite's dev
 * server injects inline scripts.
 */
const CSP_META = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
// frame-ancestors only works as a header (a meta tag with it only logs an error).
const CSP_HEADER = `${CSP_META}; frame-ancestors 'none'`;

function cspMetaTag(): Plugin {
  return {
    name: 'csp-meta-tag',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * Cross-origin isolation: without it the browser withholds SharedArrayBuffer, and tfjs-wasm falls
 * back to its single-threaded build. Every file the app loads is same-origin, so require-corp
 * costs nothing. A static host must send the same two headers (README, "Threads").
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), cspMetaTag()],
  preview: { headers: { 'Content-Security-Policy': CSP_HEADER, ...ISOLATION_HEADERS } },
  server: { headers: ISOLATION_HEADERS },
  // No client-side routing: a missing file must be a 404 (e.g. model.json before \`npm run weights\`),
  // not index.html.
  appType: 'mpa',
  // Module workers let the worker import tfjs and the engine like any other module.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // bench.html: the page `npm run bench` drives (the app's worker, measured in the browser).
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // tfjs-cpu is single-threaded; parallel files on 2 cores only thrash.
    fileParallelism: false,
  },
});
