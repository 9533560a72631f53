// `npm run bench [-- flags]`: runs scripts/bench/main.ts through tsx with node alone (flags there).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'bench', 'main.ts');
// Relaxed SIMD for part G's Node table (Node 20 runs it only behind this flag).
const flags = ['--experimental-wasm-relaxed-simd', '--import', 'tsx'];
const r = spawnSync(process.execPath, [...flags, script, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
