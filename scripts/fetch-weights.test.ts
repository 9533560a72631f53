import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomVgg16Weights } from '../src/model/randomWeights';
import { kerasLayersFromRaw, writeKerasH5 } from '../src/model/writeKerasH5';
import { decodeModel, parseModelJson } from '../src/model/format';
import { CONV_LAYER_NAMES } from '../src/model/topology';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function runScript(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stderr: string; seconds: number }>((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['scripts/fetch-weights.mjs', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr, seconds: (Date.now() - t0) / 1000 }));
  });
}

/** A port nothing listens on: bind one, then free it, so the connection is refused. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('fetch-weights', () => {
  it('fails fast without network, says what to do, and leaves the output folder untouched', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fetch-weights-'));
    dirs.push(root);
    const out = join(root, 'vgg16');
    await mkdir(out);
    await writeFile(join(out, 'model.json'), 'earlier model');
    const url = `http://127.0.0.1:${await closedPort()}/vgg16_notop.h5`;
    const r = await runScript(['--out', out], {
      VGG16_WEIGHTS_URL: url,
      VGG16_CONNECT_TIMEOUT_MS: '5000',
    });
    expect(r.code).toBe(1);
    expect(r.seconds).toBeLessThan(20);
    expect(r.stderr).toContain(
      `Could not download the VGG16 weights from ${url}: connection refused`,
    );
    expect(r.stderr).toContain(
      'npm run weights -- --from path/to/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    );
    expect(r.stderr).toMatch(/drop that \.h5 file into the page/);
    expect(await readdir(root)).toEqual(['vgg16']);
    expect(await readdir(out)).toEqual(['model.json']);
    expect(await readFile(join(out, 'model.json'), 'utf8')).toBe('earlier model');
  });

  it('converts a local .h5 with --from into a pretrained model', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fetch-weights-'));
    dirs.push(root);
    const raw = randomVgg16Weights(8);
    const h5 = join(root, 'weights.h5');
    await writeFile(h5, await writeKerasH5(kerasLayersFromRaw(raw)));
    const out = join(root, 'vgg16');
    const r = await runScript(['--from', h5, '--out', out]);
    expect(r.stderr).toMatch(/not the official Keras file/); // random weights, honestly reported
    expect(r.code).toBe(0);
    const json = parseModelJson(JSON.parse(await readFile(join(out, 'model.json'), 'utf8')));
    expect(json.userDefinedMetadata.label).toBe('pretrained');
    expect(json.userDefinedMetadata.source).toMatch(/weights\.h5 \(\d+ bytes, md5 [0-9a-f]{32}\)/);
    const shards = await Promise.all(
      json.weightsManifest[0].paths.map((p) => readFile(join(out, p))),
    );
    const back = decodeModel(
      json,
      shards.map((b) => new Uint8Array(b)),
    );
    expect(Object.keys(back)).toEqual([...CONV_LAYER_NAMES]);
    const [a, b] = [back.block4_conv2!.kernel[123], raw.block4_conv2!.kernel[123]];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(b) * 2 ** -11);
    expect((await readdir(root)).sort()).toEqual(['vgg16', 'weights.h5']);
  });

  it('rejects a bad --from file with the converter message and writes nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fetch-weights-'));
    dirs.push(root);
    await writeFile(join(root, 'bad.h5'), 'not really hdf5');
    const r = await runScript(['--from', join(root, 'bad.h5'), '--out', join(root, 'vgg16')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: not an HDF5 file');
    expect(await readdir(root)).toEqual(['bad.h5']);
  });
});
