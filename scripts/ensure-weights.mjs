// `npm start`'s weights step: when the pretrained VGG16 is missing, try `npm run weights` with a
// short connect timeout; when that cannot work (no internet), say so in one line and go on (the
// page then runs on the demo weights). Never fails the start.
//   --out dir   where the pretrained model lives (default public/models/vgg16)
// Env: VGG16_START_TIMEOUT_MS (connect timeout here, default 5000), VGG16_WEIGHTS_URL.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? resolve(args[outArg + 1]) : join(root, 'public/models/vgg16');

if (existsSync(join(out, 'model.json'))) {
  console.error(`pretrained VGG16 present: ${out}`);
  process.exit(0);
}

const timeout = process.env.VGG16_START_TIMEOUT_MS || '5000';
const child = spawn(process.execPath, [join(root, 'scripts/fetch-weights.mjs'), '--out', out], {
  env: { ...process.env, VGG16_CONNECT_TIMEOUT_MS: timeout },
  stdio: ['ignore', 'inherit', 'pipe'],
});
let log = '';
child.stderr.on('data', (d) => {
  const text = String(d);
  // The byte progress of a real download is shown live; the rest is kept for the verdict.
  if (text.startsWith('\rdownloading')) process.stderr.write(text);
  else log += text;
});
child.on('close', (code) => {
  if (code === 0) {
    process.stderr.write(log);
    process.exit(0);
  }
  // fetch-weights says "error: Could not download ... from URL: REASON." then how to get them.
  const reason = /: ([^:\n]+)\.\n/.exec(log)?.[1] ?? `exit code ${code}`;
  console.error(
    `No pretrained VGG16 weights (download failed: ${reason}); the page uses the demo weights. ` +
      'Run `npm run weights` where there is internet for the real ones.',
  );
  process.exit(0);
});
