/**
 * Picks and activates the tfjs backend inside the worker.
 * 'auto' goes by speed, not by name: a hardware WebGL2 renderer wins, but a software one
 * (SwiftShader, llvmpipe) is about 3x slower than wasm SIMD (SPEC), so wasm is used there.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendChoice, BackendName } from './protocol';

// The page is not cross-origin isolated (no COOP/COEP), so tfjs falls back to the non-threaded
// SIMD build; the threaded path is listed only so setWasmPaths has every file it may ask for.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

export interface WebglProbe {
  available: boolean;
  renderer: string | null;
  software: boolean;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** Opens a throwaway WebGL2 context to read the (unmasked) renderer string. */
export function probeWebgl(): WebglProbe {
  if (typeof OffscreenCanvas === 'undefined') {
    return { available: false, renderer: null, software: false };
  }
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { available: false, renderer: null, software: false };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(
    info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
  );
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, renderer, software: SOFTWARE_RENDERER.test(renderer) };
}

export interface BackendPick {
  backend: BackendName;
  renderer: string | null;
  /** Why the backend differs from what was asked (or why auto passed over webgl). */
  warning: string | null;
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** Activates the best backend for `choice`, falling back webgl -> wasm -> cpu. */
export async function activateBackend(choice: BackendChoice): Promise<BackendPick> {
  const probe = probeWebgl();
  const reasons: string[] = [];
  let order: BackendName[];
  if (choice === 'auto') {
    if (!probe.available) {
      reasons.push('WebGL2 is not available in this browser');
      order = ['wasm', 'cpu'];
    } else if (probe.software) {
      const name = SOFTWARE_RENDERER.exec(probe.renderer ?? '')?.[0] ?? 'software';
      reasons.push(`WebGL runs on a software renderer (${name}), which is slower than wasm here`);
      order = ['wasm', 'webgl', 'cpu'];
    } else {
      order = ['webgl', 'wasm', 'cpu'];
    }
  } else {
    order = [choice, ...(['webgl', 'wasm', 'cpu'] as const).filter((b) => b !== choice)];
    if (choice === 'webgl' && !probe.available) reasons.push('WebGL2 is not available');
  }
  for (const name of order) {
    if (name === 'webgl' && !probe.available) continue;
    if (await trySet(name)) {
      await tf.ready();
      const wanted = choice === 'auto' ? order[0] : choice;
      if (name !== wanted) reasons.push(`the ${wanted} backend failed to start`);
      const fellFromWebgl = (choice === 'auto' || choice === 'webgl') && name !== 'webgl';
      const warning =
        fellFromWebgl || name !== wanted
          ? `Using the ${name} backend: ${reasons.join('; ') || 'webgl was not usable'}.`
          : null;
      return { backend: name, renderer: probe.renderer, warning };
    }
    reasons.push(`the ${name} backend failed to start`);
  }
  throw new Error(`No tfjs backend could start (${reasons.join('; ')})`);
}
