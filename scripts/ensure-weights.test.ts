/**
 * npm start's weights step without internet: it gives up after its short timeout, says so in one
 * line, writes nothing, and lets the start go on (exit 0) on the demo weights.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function ensureWeights(out: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['scripts/ensure-weights.mjs', '--out', out], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('ensure-weights (npm start)', () => {
  it('a server that never answers: gives up at its timeout, one line, nothing written, start goes on', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const root = await mkdtemp(join(tmpdir(), 'ensure-weights-'));
    dirs.push(root);
    const out = join(root, 'vgg16');
    try {
      const r = await ensureWeights(out, {
        VGG16_WEIGHTS_URL: `http://127.0.0.1:${port}/vgg16.h5`,
        VGG16_START_TIMEOUT_MS: '1000',
      });
      expect(r.code).toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^No pretrained VGG16 weights \(download failed: no answer within 1 s\); the page uses the demo weights\./,
      );
      expect(await readdir(root)).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('a refused connection: the reason is named', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const root = await mkdtemp(join(tmpdir(), 'ensure-weights-'));
    dirs.push(root);
    const r = await ensureWeights(join(root, 'vgg16'), {
      VGG16_WEIGHTS_URL: `http://127.0.0.1:${port}/vgg16.h5`,
    });
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('download failed: connection refused (ECONNREFUSED)');
  });
});
