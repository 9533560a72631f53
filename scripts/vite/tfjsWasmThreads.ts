/**
 * Makes tfjs-wasm's threaded build work after bundling. tfjs starts each pthread worker from a
 * Blob of `wasmFactoryThreadedSimd.toString()`: the emscripten factory's own source, which must be
 * self-contained. Once the bundler has minified it, that text names variables of the bundle
 * ("e is not defined" in every pthread worker) and the threaded backend never starts. This
 * plugin appends to the factory module a toString that returns the factory's original text (a
 * string literal, which minifiers leave alone); the bundled function itself still runs in the
 * style worker.
 */
import type { Plugin } from 'vite';

const FACTORY_FILE = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const FACTORY_START = 'function(WasmBackendModuleThreadedSimd)';
const FACTORY_END = '\n);\n})();';

export function factorySourceTransform(code: string): string {
  const start = code.indexOf(FACTORY_START);
  const end = code.lastIndexOf(FACTORY_END);
  if (start < 0 || end < start) {
    throw new Error(
      'tfjs-wasm threads plugin: the threaded factory no longer has the expected shape; ' +
        'check scripts/vite/tfjsWasmThreads.ts against this tfjs-backend-wasm version',
    );
  }
  const source = code.slice(start, end);
  return `${code}\nWasmBackendModuleThreadedSimd.toString = () => ${JSON.stringify(source)};\n`;
}

export function tfjsWasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threaded-factory-source',
    enforce: 'pre',
    transform(code, id) {
      if (!FACTORY_FILE.test(id.split('?')[0])) return null;
      return { code: factorySourceTransform(code), map: null };
    },
  };
}
