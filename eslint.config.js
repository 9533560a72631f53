import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public/models', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The UI knows nothing of tfjs: only the worker bridges to the engine.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@tensorflow/*',
            // engine/settings.ts is plain data (the settings' shape and defaults), not tfjs.
            '**/engine/*',
            '!**/engine/settings',
            '**/worker/styleWorker*',
          ],
        },
      ],
    },
  },
  {
    // Plain arithmetic both the engine and the page use: no tfjs, no DOM, no worker.
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@tensorflow/*', '**/engine/*', '**/ui/*', '**/worker/*', 'react'] },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      // The engine is pure maths: no DOM, no worker, no UI.
      'no-restricted-globals': ['error', 'document', 'window', 'postMessage', 'self'],
      'no-restricted-imports': ['error', { patterns: ['**/ui/*', '**/worker/*', 'react'] }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      // The model (weights, formats, topology) is the lowest layer: nothing above it.
      'no-restricted-globals': ['error', 'document', 'window', 'postMessage', 'self'],
      'no-restricted-imports': [
        'error',
        { patterns: ['**/engine/*', '**/ui/*', '**/worker/*', 'react'] },
      ],
    },
  },
);
