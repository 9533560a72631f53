/**
 * `npm run weights`: downloads Keras' VGG16 notop weights (.h5), checks size and md5, converts them
 * with the app's own converter and writes public/models/vgg16/ (label 'pretrained').
 *   npm run weights                      download (needs internet) and convert
 *   npm run weights -- --from file.h5    convert a file you already have (offline)
 *   --out dir                            write elsewhere (default public/models/vgg16)
 * Env: VGG16_WEIGHTS_URL (override the URL), VGG16_CONNECT_TIMEOUT_MS (default 15000).
 * Writes go to temp paths renamed into place only when complete: a failure leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertKerasH5 } from '../src/model/kerasH5';
import { encodeModel } from '../src/model/format';
import { WeightsFormatError } from '../src/model/errors';
import { writeModelDirAtomic } from './write-model-dir';

export const OFFICIAL_URL =
  'https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5';
export const OFFICIAL_BYTES = 58_889_256;
export const OFFICIAL_MD5 = '6d6bbae143d832006294945121d1f1fc';
const FILE_NAME = 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = join(root, 'public/models/vgg16');
/** Downloads are kept here (git-ignored) so a re-conversion needs no second download. */
const DOWNLOAD_DIR = join(root, '.cache');

class UserFacingError extends Error {}

function offlineHelp(url: string, reason: string): string {
  return [
    `Could not download the VGG16 weights from ${url}: ${reason}.`,
    'This machine seems to have no internet access. Either:',
    `  - download ${FILE_NAME} on a machine with internet`,
    `    (${OFFICIAL_URL}, ${OFFICIAL_BYTES} bytes, md5 ${OFFICIAL_MD5})`,
    '    and run: npm run weights -- --from path/to/' + FILE_NAME,
    '  - or drop that .h5 file into the page; it is converted and cached in the browser.',
  ].join('\n');
}

function describeNetworkError(code: string | undefined, message: string): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host name does not resolve (${code})`;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return `network unreachable (${code})`;
  return code ? `${message} (${code})` : message;
}

function mb(n: number): string {
  return (n / 1e6).toFixed(1);
}

/** Streams `url` to `dest` (via dest.part), with progress on stderr and a connect/stall timeout. */
async function download(url: string, dest: string, connectTimeoutMs: number): Promise<void> {
  const ctrl = new AbortController();
  let timer = setTimeout(
    () => ctrl.abort(new Error(`no answer within ${connectTimeoutMs / 1000} s`)),
    connectTimeoutMs,
  );
  const part = `${dest}.part`;
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: ctrl.signal });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const reason = ctrl.signal.aborted
        ? String((ctrl.signal.reason as Error)?.message ?? 'timed out')
        : describeNetworkError(cause?.code, cause?.message ?? (e as Error).message);
      throw new UserFacingError(offlineHelp(url, reason));
    }
    if (!res.ok || !res.body) throw new UserFacingError(offlineHelp(url, `HTTP ${res.status}`));
    const total = Number(res.headers.get('content-length')) || OFFICIAL_BYTES;
    await mkdir(dirname(dest), { recursive: true });
    const out = createWriteStream(part);
    let loaded = 0;
    let lastPct = -1;
    const reader = res.body.getReader();
    try {
      for (;;) {
        clearTimeout(timer);
        // A stalled transfer is as dead as a refused one: give up rather than hang.
        timer = setTimeout(
          () => ctrl.abort(new Error('download stalled')),
          Math.max(connectTimeoutMs, 30_000),
        );
        const { done, value } = await reader.read();
        if (done) break;
        loaded += value.length;
        if (!out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
        const pct = Math.floor((100 * loaded) / total);
        if (pct !== lastPct) {
          lastPct = pct;
          process.stderr.write(`\rdownloading ${mb(loaded)} / ${mb(total)} MB (${pct}%)`);
        }
      }
    } catch (e) {
      throw new UserFacingError(offlineHelp(url, (e as Error).message));
    } finally {
      await new Promise<void>((r) => out.end(r));
      process.stderr.write('\n');
    }
    await rename(part, dest);
  } finally {
    clearTimeout(timer);
    await rm(part, { force: true });
  }
}

async function convertFile(file: string, outDir: string, sourceNote: string): Promise<void> {
  const bytes = new Uint8Array(await readFile(file));
  const md5 = createHash('md5').update(bytes).digest('hex');
  const official = bytes.length === OFFICIAL_BYTES && md5 === OFFICIAL_MD5;
  if (!official) {
    console.error(
      `note: ${file} (${bytes.length} bytes, md5 ${md5}) is not the official Keras file ` +
        `(${OFFICIAL_BYTES} bytes, md5 ${OFFICIAL_MD5}); converting it since its layers are checked anyway.`,
    );
  }
  const t0 = Date.now();
  const raw = await convertKerasH5(bytes);
  const model = encodeModel(raw, {
    label: 'pretrained',
    source: `${sourceNote} (${bytes.length} bytes, md5 ${md5}${official ? ', official Keras VGG16 notop' : ''})`,
  });
  await writeModelDirAtomic(outDir, model);
  const size = model.shards.reduce((s, b) => s + b.length, 0);
  console.error(
    `converted in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${outDir} (${model.shards.length} shards, ${size} bytes, float16)`,
  );
}

export async function main(args: string[]): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    if (i >= 0 && !args[i + 1]) throw new UserFacingError(`${name} needs a value`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    const outDir = resolve(opt('--out') ?? DEFAULT_OUT);
    const from = opt('--from');
    if (from) {
      const file = resolve(from);
      await stat(file).catch(() => {
        throw new UserFacingError(`no such file: ${file}`);
      });
      await convertFile(file, outDir, `file ${file}`);
      return 0;
    }
    const url = process.env.VGG16_WEIGHTS_URL || OFFICIAL_URL;
    const timeoutMs = Number(process.env.VGG16_CONNECT_TIMEOUT_MS) || 15_000;
    const dest = join(DOWNLOAD_DIR, FILE_NAME);
    const have = await stat(dest).then(
      (s) => s.size,
      () => -1,
    );
    if (have !== OFFICIAL_BYTES || url !== OFFICIAL_URL) {
      console.error(`downloading ${url}`);
      await download(url, dest, timeoutMs);
    } else {
      console.error(`using the earlier download ${dest}`);
    }
    const bytes = await readFile(dest);
    const md5 = createHash('md5').update(bytes).digest('hex');
    if (bytes.length !== OFFICIAL_BYTES || md5 !== OFFICIAL_MD5) {
      await rm(dest, { force: true });
      throw new UserFacingError(
        `downloaded file is ${bytes.length} bytes with md5 ${md5}, expected ${OFFICIAL_BYTES} bytes and md5 ` +
          `${OFFICIAL_MD5}: corrupted or not the Keras VGG16 notop weights. It was deleted; try again.`,
      );
    }
    await convertFile(dest, outDir, url);
    return 0;
  } catch (e) {
    if (e instanceof UserFacingError || e instanceof WeightsFormatError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
