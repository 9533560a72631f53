/**
 * vite preview of the built dist/ for the scripts that drive the page in Chromium (screenshots,
 * timings). vite's own bin under node (not npx), so stop() reaches the server itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

export interface PreviewServer {
  url: string;
  stop(): void;
}

/**
 * Starts vite preview on 127.0.0.1:`port` and resolves once `path` answers (30 s at most); a
 * server that exits or never answers rejects with what it printed.
 */
export async function startPreview(port: number, path = ''): Promise<PreviewServer> {
  const server = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'preview',
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout.on('data', (d) => (output += String(d)));
  server.stderr.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite preview exited: ${output}`);
    try {
      if ((await fetch(url + path)).ok) return { url, stop: () => server.kill() };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  server.kill();
  throw new Error(`vite preview did not answer at ${url + path} within 30 s: ${output}`);
}
