import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkDeps,
  formatReport,
  importedSpecifiers,
  isPermissiveExpression,
  licenceProblem,
  packageOf,
} from './check-deps';

const ROOT = join(import.meta.dirname, '..');

describe('licence expressions', () => {
  it.each([
    ['MIT', true],
    ['Apache-2.0 AND MIT', true],
    ['(MIT OR GPL-3.0-only)', true],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', true],
    ['Apache-2.0 WITH LLVM-exception', true],
    ['GPL-3.0-only', false],
    ['MIT AND GPL-2.0-only', false],
    ['(GPL-2.0-only OR LGPL-2.1-only) AND MIT', false],
    ['GPL-2.0-only WITH Classpath-exception-2.0', false],
    ['AGPL-3.0-or-later', false],
    ['UNLICENSED', false], // npm's word for "proprietary", not the Unlicense
  ])('%s → permissive: %s', (expr, permissive) => {
    expect(isPermissiveExpression(expr)).toBe(permissive);
  });

  it('rejects malformed expressions instead of guessing', () => {
    expect(() => isPermissiveExpression('(MIT OR')).toThrow(/incomplete|unbalanced/);
    expect(() => isPermissiveExpression('MIT Apache-2.0')).toThrow(/unexpected/);
  });
});

describe('imports', () => {
  it('names the package of static, dynamic, ?url and CSS imports; ignores relative and node:', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      "import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';",
      "const h5 = await import('h5wasm');",
      "import 'uplot/dist/uPlot.min.css';",
      "export { x } from './local';",
      "import { readFileSync } from 'node:fs';",
      "@import 'some-css-lib/base.css';",
    ].join('\n');
    const names = importedSpecifiers(text).map(packageOf).filter(Boolean);
    expect(new Set(names)).toEqual(
      new Set([
        '@tensorflow/tfjs',
        '@tensorflow/tfjs-backend-wasm',
        'h5wasm',
        'uplot',
        'some-css-lib',
      ]),
    );
  });
});

describe('checkDeps on a project', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  function project(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'check-deps-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  const lock = (packages: Record<string, object>) =>
    JSON.stringify({ lockfileVersion: 3, packages: { '': {}, ...packages } });

  it('fails on a copyleft licence, an unreviewed licence file and an unused dependency', () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: { used: '1', copyleft: '1', unused: '1', 'see-file': '1' },
      }),
      'package-lock.json': lock({
        'node_modules/used': { version: '1.2.3', license: 'MIT' },
        'node_modules/copyleft': { version: '2.0.0', license: 'GPL-3.0-only' },
        'node_modules/unused': { version: '1.0.0', license: 'ISC' },
        'node_modules/see-file': { version: '0.1.0', license: 'SEE LICENSE IN LICENSE.txt' },
        'node_modules/used/node_modules/inner': { version: '0.0.1', license: 'BSD-2-Clause' },
        'node_modules/tooling': { version: '9.9.9', license: 'GPL-3.0-only', dev: true },
      }),
      'src/main.ts': "import { a } from 'used/sub';\nimport('copyleft');\nimport 'see-file';\n",
      'src/main.test.ts': "import 'unused';\n", // a test's import does not make it used
    });
    const r = checkDeps(root);
    expect(r.ok).toBe(false);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'copyleft@2.0.0',
      'inner@0.0.1',
      'see-file@0.1.0',
      'unused@1.0.0',
      'used@1.2.3',
    ]); // the dev-only package is not listed
    expect(r.packages.find((p) => p.name === 'copyleft')!.problem).toMatch(/not permissive/);
    expect(r.packages.find((p) => p.name === 'see-file')!.problem).toMatch(/not reviewed/);
    expect(r.unused).toEqual(['unused']);
    const text = formatReport(r);
    expect(text).toContain('| used | 1.2.3 | MIT | ok |');
    expect(text).toContain('FAIL unused: unused is a production dependency');
    expect(text).toContain('dependencies: FAILED');
  });

  it('passes when every dependency is permissive and imported; pending ones are listed', () => {
    const root = project({
      'package.json': JSON.stringify({ dependencies: { a: '1', b: '1' } }),
      'package-lock.json': lock({
        'node_modules/a': { version: '1.0.0', license: '(MIT OR Apache-2.0)' },
        'node_modules/b': { version: '1.0.0', license: 'MIT' },
      }),
      'index.html': '<script type="module">import "a";</script>',
    });
    expect(checkDeps(root).unused).toEqual(['b']);
    const r = checkDeps(root, ['b']);
    expect(r.ok).toBe(true);
    expect(r.pending).toEqual(['b']);
    expect(formatReport(r)).toContain('pending: b is declared but not imported yet');
  });

  it('a reviewed licence file must still say what it said when reviewed', () => {
    const root = project({
      'node_modules/h5wasm/LICENSE.txt': 'All rights reserved.',
    });
    const p = {
      name: 'h5wasm',
      version: '9.0.0',
      license: 'SEE LICENSE IN LICENSE.txt',
      path: 'node_modules/h5wasm',
    };
    expect(licenceProblem(p, root)).toMatch(/no longer says/);
    expect(licenceProblem(p, ROOT)).toBeNull(); // the installed h5wasm
  });
});

describe('this project', () => {
  it('has only permissive production licences; listing includes transitive packages', () => {
    const r = checkDeps(ROOT, ['@tensorflow/tfjs-backend-webgpu', 'webm-muxer']);
    console.log(formatReport(r).split('\n').slice(-4).join('\n'));
    expect(r.packages.filter((p) => p.problem)).toEqual([]);
    expect(r.packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@tensorflow/tfjs-core', 'h5wasm', 'react', 'scheduler']),
    );
  });
});
