/**
 * CI check of the production dependencies, from package-lock.json alone (no network: the
 * machines this runs on cannot reach npm's audit endpoint):
 *   - lists every production package (direct and transitive) with its version and licence;
 *   - fails on a licence that is not permissive (an SPDX expression is evaluated: OR needs one
 *     permissive side, AND needs both), or on none;
 *   - fails on a direct production dependency that no app source file imports.
 *
 *   node --import tsx scripts/check-deps.ts [--pending name,name]
 *
 * --pending names declared dependencies whose importing code is still being written: they are
 * listed as pending instead of failing the check (remove the flag once they are imported).
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Licences that allow use, change and redistribution with at most an attribution notice. */
export const PERMISSIVE = new Set([
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'ISC',
  'MIT',
  'MIT-0',
  'Python-2.0',
  'Unlicense',
  'Zlib',
]);

/**
 * Packages whose lock entry says "SEE LICENSE IN <file>": read and judged by a person. The check
 * still opens the file and looks for the quoted words, so a licence change in an update fails.
 */
export const REVIEWED_LICENCE_FILES: Record<string, { words: string; verdict: string }> = {
  h5wasm: {
    words: 'NIST-developed software is provided by NIST as a public service',
    verdict: 'NIST public-service notice (use, copy, modify, redistribute) + HDF5 BSD-style',
  },
};

export interface LockPackage {
  name: string;
  version: string;
  license: string | null;
  /** Path inside the project, e.g. node_modules/react. */
  path: string;
}

interface LockFile {
  packages: Record<
    string,
    { name?: string; version?: string; license?: unknown; dev?: boolean; link?: boolean }
  >;
}

/** Every non-dev package of a lockfile v2/v3 (the root entry excluded). */
export function productionPackages(lock: LockFile): LockPackage[] {
  const out: LockPackage[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    if (path === '' || p.dev || p.link) continue;
    const name = p.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const license =
      typeof p.license === 'string'
        ? p.license
        : p.license && typeof p.license === 'object' && 'type' in p.license
          ? String((p.license as { type: unknown }).type)
          : null;
    out.push({ name, version: p.version ?? '?', license, path });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
}

/**
 * True when an SPDX expression leaves a permissive choice: "MIT", "(MIT OR GPL-3.0)",
 * "Apache-2.0 AND MIT". AND binds tighter than OR; a WITH exception keeps its licence's verdict.
 */
export function isPermissiveExpression(expr: string): boolean {
  const tokens = expr.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const orExpr = (): boolean => {
    let v = andExpr();
    while (tokens[at]?.toUpperCase() === 'OR') {
      at++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = atom();
    while (tokens[at]?.toUpperCase() === 'AND') {
      at++;
      const r = atom();
      v = v && r;
    }
    return v;
  };
  const atom = (): boolean => {
    const t = tokens[at++];
    if (t === '(') {
      const v = orExpr();
      if (tokens[at++] !== ')') throw new Error(`unbalanced parentheses in "${expr}"`);
      return v;
    }
    if (t === undefined || t === ')') throw new Error(`incomplete licence expression "${expr}"`);
    if (tokens[at]?.toUpperCase() === 'WITH') at += 2;
    return PERMISSIVE.has(t.replace(/\+$/, ''));
  };
  const v = orExpr();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at]}" in "${expr}"`);
  return v;
}

/** Why a package's licence fails the check, or null when it passes. */
export function licenceProblem(p: LockPackage, root: string): string | null {
  if (!p.license) return 'no licence declared';
  const seeFile = /^SEE LICEN[CS]E IN (.+)$/i.exec(p.license);
  if (seeFile) {
    const reviewed = REVIEWED_LICENCE_FILES[p.name];
    if (!reviewed) return `"${p.license}": not reviewed (add it to REVIEWED_LICENCE_FILES)`;
    const file = join(root, p.path, seeFile[1]);
    if (!existsSync(file)) return `"${p.license}": ${relative(root, file)} is missing`;
    if (!readFileSync(file, 'utf8').includes(reviewed.words)) {
      return `${relative(root, file)} no longer says "${reviewed.words}": review it again`;
    }
    return null;
  }
  try {
    return isPermissiveExpression(p.license) ? null : `"${p.license}" is not permissive`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The package a module specifier names: "@scope/pkg/sub?url" -> "@scope/pkg", "pkg/x" -> "pkg". */
export function packageOf(specifier: string): string | null {
  if (/^(\.|\/|node:|virtual:|data:|https?:)/.test(specifier)) return null;
  const parts = specifier.split('?')[0].split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Module specifiers in a source text: static and dynamic imports, re-exports, CSS @import. */
export function importedSpecifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /@import\s+(?:url\()?['"]([^'"]+)['"]/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

/** The app's source files: src/ without tests, and the HTML entry points. */
export function appSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|js|mjs|css)$/.test(name) && !/\.test\.tsx?$/.test(name)) files.push(path);
    }
  };
  if (existsSync(join(root, 'src'))) walk(join(root, 'src'));
  for (const name of readdirSync(root)) if (name.endsWith('.html')) files.push(join(root, name));
  return files;
}

export interface DepsReport {
  packages: (LockPackage & { problem: string | null })[];
  unused: string[];
  pending: string[];
  ok: boolean;
}

export function checkDeps(root: string, pending: readonly string[] = []): DepsReport {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as LockFile;
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = productionPackages(lock).map((p) => ({
    ...p,
    problem: licenceProblem(p, root),
  }));
  const imported = new Set<string>();
  for (const file of appSourceFiles(root)) {
    for (const s of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const name = packageOf(s);
      if (name) imported.add(name);
    }
  }
  const direct = Object.keys(manifest.dependencies ?? {});
  const notImported = direct.filter((d) => !imported.has(d));
  const unused = notImported.filter((d) => !pending.includes(d));
  return {
    packages,
    unused,
    pending: notImported.filter((d) => pending.includes(d)),
    ok: unused.length === 0 && packages.every((p) => !p.problem),
  };
}

export function formatReport(r: DepsReport): string {
  const lines = [
    `Production dependencies (package-lock.json): ${r.packages.length}`,
    '',
    '| package | version | licence | check |',
    '| --- | --- | --- | --- |',
    ...r.packages.map(
      (p) => `| ${p.name} | ${p.version} | ${p.license ?? '–'} | ${p.problem ?? 'ok'} |`,
    ),
    '',
  ];
  const bad = r.packages.filter((p) => p.problem);
  for (const p of bad) lines.push(`FAIL licence: ${p.name}@${p.version}: ${p.problem}`);
  for (const u of r.unused) {
    lines.push(`FAIL unused: ${u} is a production dependency that no file in src/ imports`);
  }
  for (const u of r.pending) lines.push(`pending: ${u} is declared but not imported yet`);
  lines.push(r.ok ? 'dependencies: ok' : 'dependencies: FAILED');
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flag = process.argv.indexOf('--pending');
  const pending = flag > 0 ? (process.argv[flag + 1] ?? '').split(',').filter(Boolean) : [];
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const report = checkDeps(root, pending);
  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
}
