/**
 * Once per `vitest run`, before any file: the served demo model exists and is from the current
 * recipe. Test files then only read it, so two files running at once never both write it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/ensure-test-model.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
