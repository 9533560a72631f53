/**
 * Picks and activates the tfjs backend inside the worker.
 * 'auto' goes by measurement, not by name: ./calibration.ts times one forward+backward on each
 * backend this browser offers and the fastest wins (the page caches the figures per device).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgl';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { setExternalConv, setInputGradientMode } from '../engine/vgg16';
import { startFma } from './fma';
import type { BackendChoice, BackendName, Calibration } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

/** Every backend the app can run on, in the order tried when the wanted one fails. */
export const ALL_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface WebglProbe {
  available: boolean;
  renderer: string | null;
}

/** Opens a throwaway WebGL2 context to read the (unmasked) renderer string. */
export function probeWebgl(): WebglProbe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, renderer: null };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { available: false, renderer: null };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(
    info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
  );
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, renderer };
}

let webgpuRegistered: Promise<boolean> | null = null;

/**
 * Registers tfjs' WebGPU backend where navigator.gpu gives an adapter. Its code is loaded only
 * then, so browsers without WebGPU never download it.
 */
export function ensureWebgpu(): Promise<boolean> {
  webgpuRegistered ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return false;
    try {
      if (!(await gpu.requestAdapter())) return false;
      await import('@tensorflow/tfjs-backend-webgpu');
      return true;
    } catch {
      return false;
    }
  })();
  return webgpuRegistered;
}

/** The backends this browser can offer, fastest-first by the usual expectation. */
export async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  if (await ensureWebgpu()) out.push('webgpu');
  if (probeWebgl().available) out.push('webgl');
  out.push('wasm');
  return out;
}

let wasmThreadsPrepared = false;

/**
 * Asks tfjs-wasm for one thread per core. Its C++ side sizes the XNNPACK pool from
 * emscripten_num_logical_cores() / 2 (it assumes two hyper-threads per physical core) and caps
 * setThreadsCount() by that, so on a 2-core machine it runs one thread whatever is asked.
 * navigator.hardwareConcurrency is what emscripten reads: this worker's navigator reports twice
 * the cores while the wasm module starts, then the real value again. Only inside this worker, only
 * during that start. Threads need cross-origin isolation (SharedArrayBuffer); without it tfjs
 * loads its single-threaded build and the page says so.
 */
function prepareWasmThreads(): void {
  if (wasmThreadsPrepared || !self.crossOriginIsolated) return;
  wasmThreadsPrepared = true;
  const cores = navigator.hardwareConcurrency || 1;
  setThreadsCount(cores);
  Object.defineProperty(navigator, 'hardwareConcurrency', {
    configurable: true,
    get: () => cores * 2,
  });
}

function restoreHardwareConcurrency(): void {
  // The own property shadows WorkerNavigator's getter; deleting it restores the real value.
  delete (navigator as unknown as Record<string, unknown>).hardwareConcurrency;
}

/** Threads of the active backend's thread pool (1 for anything but threaded wasm). */
export function activeThreads(): number {
  if (tf.getBackend() !== 'wasm') return 1;
  try {
    return getThreadsCount();
  } catch {
    return 1;
  }
}

/**
 * The conv input gradient each backend runs fastest, from `npm run bench` on 2 cores without a GPU
 * (SwiftShader for the GPU backends), full step in each mode, same rounds (section E of
 * bench-results/latest.md, gpu-modes/ and gpu-modes-webgl/):
 * - wasm: forward-conv. Worker (2 threads, quiet machine): 0.76 s against 5.07 s at 128 px with
 *   tfjs' Conv2DBackpropInput (a plain single-threaded loop there), 2.9 s against 23.8 s at 256 px.
 * - webgl: forward-conv. At 64 px, 3 rounds: 4.8 s against 7.2 s (1.51x; 1.82x in a 1-round run).
 *   Earlier runs on a machine under a load of ~25 had ranked them the other way; a hardware GPU
 *   may too, so re-measure there.
 * - webgpu: tfjs. At 64 px on SwiftShader's WebGPU adapter, 1 round: 10.0 s against 19.0 s.
 * - cpu: forward-conv, not measured (the app reaches cpu only as a last resort); tfjs' cpu
 *   kernels for both are plain loops of the same size.
 */
const INPUT_GRADIENT: Record<BackendName, 'forward-conv' | 'tfjs'> = {
  wasm: 'forward-conv',
  cpu: 'forward-conv',
  webgl: 'forward-conv',
  webgpu: 'tfjs',
};

/**
 * On wasm, the FMA conv where this browser runs it (issue 24: src/worker/fma.ts), on the pool's
 * thread count; tfjs' kernels ('forward-conv') where it does not.
 */
async function useFmaConv(): Promise<void> {
  const conv = await startFma(activeThreads());
  setExternalConv(conv);
  if (conv) setInputGradientMode('fma');
}

export async function trySetBackend(name: BackendName): Promise<boolean> {
  if (name === 'webgpu' && !(await ensureWebgpu())) return false;
  if (name === 'wasm') prepareWasmThreads();
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    if (ok) setInputGradientMode(INPUT_GRADIENT[name]);
    if (ok && name === 'wasm') await useFmaConv();
    return ok;
  } catch {
    return false;
  } finally {
    if (name === 'wasm') restoreHardwareConcurrency();
  }
}

export interface BackendPick {
  backend: BackendName;
  renderer: string | null;
  threads: number;
  crossOriginIsolated: boolean;
  /** Why the backend differs from what was asked, or how auto chose: one sentence. */
  warning: string | null;
}

/**
 * Activates the backend for `choice`, falling back in ALL_BACKENDS order. For 'auto' the
 * calibration's fastest backend is wanted; without a calibration wasm is (it never loses badly).
 */
export async function activateBackend(
  choice: BackendChoice,
  calibration: Calibration | null,
): Promise<BackendPick> {
  const probe = probeWebgl();
  const wanted: BackendName =
    choice === 'auto' ? (calibration?.fastest ?? 'wasm') : (choice as BackendName);
  const order = [wanted, ...ALL_BACKENDS.filter((b) => b !== wanted)];
  const reasons: string[] = [];
  for (const name of order) {
    if (name === 'webgl' && !probe.available) {
      reasons.push('WebGL2 is not available');
      continue;
    }
    if (await trySetBackend(name)) {
      if (name !== wanted) reasons.unshift(`the ${wanted} backend failed to start`);
      const threads = activeThreads();
      if (name === 'wasm' && !self.crossOriginIsolated) {
        reasons.push('the page is not cross-origin isolated, so wasm runs on one thread');
      }
      return {
        backend: name,
        renderer: probe.renderer,
        threads,
        crossOriginIsolated: self.crossOriginIsolated,
        warning: reasons.length > 0 ? `Using ${name}: ${reasons.join('; ')}.` : null,
      };
    }
    reasons.push(`the ${name} backend failed to start`);
  }
  throw new Error(`No tfjs backend could start (${reasons.join('; ')})`);
}
