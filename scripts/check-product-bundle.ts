/**
 * After `vite build`: the product's style worker, with every chunk it imports, carries no bench
 * code. Bench-only identifiers are property names and strings that survive minification; the bench
 * worker's own chunk must contain each of them, or the list has gone stale and the check would
 * pass for nothing.
 *
 *   node --import tsx scripts/check-product-bundle.ts [distDir]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Fields of BenchMeasurement / BenchRequest and the bench reply's type (src/worker/bench*.ts). */
export const BENCH_ONLY = ['benchResult', 'fullNoPreviewMs', 'warmupNewTensors', 'matMulSize'];

/** The chunk whose name starts with `entry-`, and every chunk it imports, transitively. */
export function chunkClosure(assets: string, entry: string): string[] {
  const first = readdirSync(assets).find((f) => f.startsWith(`${entry}-`) && f.endsWith('.js'));
  if (!first) throw new Error(`no ${entry}-*.js in ${assets} (build first)`);
  const seen = new Set<string>();
  const todo = [first];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(assets, file), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["'`]\.\/([\w.-]+\.js)["'`]/g)) {
      if (existsSync(join(assets, m[1]))) todo.push(m[1]);
    }
  }
  return [...seen];
}

/** The bench-only identifiers found in the chunks, as "identifier in chunk". */
export function benchIdentifiersIn(assets: string, chunks: string[]): string[] {
  const found: string[] = [];
  for (const file of chunks) {
    const code = readFileSync(join(assets, file), 'utf8');
    for (const id of BENCH_ONLY) if (code.includes(id)) found.push(`${id} in ${file}`);
  }
  return found;
}

function main(): void {
  const assets = join(process.argv[2] ?? 'dist', 'assets');
  const product = chunkClosure(assets, 'styleWorker');
  const bench = chunkClosure(assets, 'benchWorker');
  const inBench = new Set(benchIdentifiersIn(assets, bench).map((s) => s.split(' ')[0]));
  const stale = BENCH_ONLY.filter((id) => !inBench.has(id));
  if (stale.length > 0) {
    console.error(`check-product-bundle: not in the bench worker (stale list?): ${stale}`);
    process.exit(1);
  }
  const leaked = benchIdentifiersIn(assets, product);
  if (leaked.length > 0) {
    console.error(`check-product-bundle: bench code in the product worker: ${leaked.join(', ')}`);
    process.exit(1);
  }
  console.log(
    `check-product-bundle: the style worker (${product.join(', ')}) has none of ${BENCH_ONLY.join(', ')}`,
  );
}

if (process.argv[1]?.endsWith('check-product-bundle.ts')) main();
