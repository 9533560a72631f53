/**
 * WebGL context loss: detecting it, provoking it for tests, and bringing the webgl backend back.
 * A lost context does not throw: draws become no-ops and reads return zeros, so a step "succeeds"
 * with wrong numbers. The run loop therefore asks contextLost() after every step.
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';

// Same priority tfjs-backend-webgl registers itself with.
const WEBGL_PRIORITY = 2;

function webglContext(): WebGLRenderingContext | WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  return backend.gpgpu?.gl ?? null;
}

/** True when the active backend is webgl and its context is gone. */
export function contextLost(): boolean {
  return webglContext()?.isContextLost() ?? false;
}

/** Loses the webgl backend's context on purpose (WEBGL_lose_context); false when not on webgl. */
export function loseContextForTest(): boolean {
  const ext = webglContext()?.getExtension('WEBGL_lose_context');
  if (!ext) return false;
  ext.loseContext();
  return true;
}

/**
 * Drops the dead webgl backend and registers a fresh one. Dispose every tensor held on the old
 * backend first (its textures are gone already; disposing only clears the bookkeeping).
 * tfjs' context cache notices the lost context and opens a new one when the backend starts.
 */
export function replaceWebglBackend(): void {
  try {
    tf.removeBackend('webgl');
  } catch {
    // Disposing a backend whose context is lost may throw inside tfjs; the registry entry is what
    // matters and is gone either way.
  }
  tf.registerBackend('webgl', () => new MathBackendWebGL(), WEBGL_PRIORITY);
}

/**
 * Resolves when the webgl context is found lost (checked every 200 ms) until cancelled. An async
 * readback on a lost context never settles, so the run loop races each step against this.
 */
export function whenContextLost(): { lost: Promise<'lost'>; cancel: () => void } {
  let timer: ReturnType<typeof setInterval> | undefined;
  const lost = new Promise<'lost'>((resolve) => {
    timer = setInterval(() => {
      if (contextLost()) resolve('lost');
    }, 200);
  });
  return { lost, cancel: () => clearInterval(timer) };
}
