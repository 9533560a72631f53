/**
 * The wasm backend's FMA conv (issue 24, src/engine/fma/): started once per worker when wasm is
 * picked, on as many threads as tfjs-wasm's pool (its threads idle while ours run), each helper
 * a nested module worker over one shared memory. null where it cannot run: no relaxed SIMD
 * (Chromium < 114, other browsers without it), or no shared memory (not cross-origin isolated);
 * the engine then keeps tfjs' kernels.
 */
import relaxedUrl from '../engine/fma/conv3x3-relaxed.wasm?url';
import simdUrl from '../engine/fma/conv3x3-simd.wasm?url';
import { canRunFma, FmaConv, type FmaVariant } from '../engine/fma/fmaConv';
import { CONV_LAYERS, type ConvLayerName } from '../model/topology';

/**
 * The layers it runs: where it beat tfjs-wasm's conv by at least 1.3x in `npm run bench` (part G,
 * bench-results/fma-2026-12-02-quiet.md): 1.37-1.69x on the layers with 256 or more input
 * channels; 0.99-1.24x on blocks 1-2 and 1.15x on block3_conv1 (not the copies: part G's step
 * profile puts all of them under 2% of the step).
 */
export const FMA_MIN_IN_CHANNELS = 256;
export const FMA_LAYERS: ReadonlySet<ConvLayerName> = new Set(
  CONV_LAYERS.filter((l) => l.inChannels >= FMA_MIN_IN_CHANNELS).map((l) => l.name),
);

const started = new Map<string, Promise<FmaConv | null>>();

/** The kernel on `threads` threads (one per variant and count, kept for the worker's life). */
export function startFma(
  threads: number,
  variant: FmaVariant = 'relaxed',
): Promise<FmaConv | null> {
  const key = `${variant} ${threads}`;
  let p = started.get(key);
  if (!p) {
    p = (async () => {
      try {
        const res = await fetch(variant === 'relaxed' ? relaxedUrl : simdUrl);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (!res.ok || !canRunFma(bytes)) return null;
        return await FmaConv.create(bytes, {
          threads,
          layers: FMA_LAYERS,
          spawn: (init) => {
            const w = new Worker(new URL('./fmaHelperWorker.ts', import.meta.url), {
              type: 'module',
            });
            w.postMessage(init);
            return w;
          },
        });
      } catch {
        return null;
      }
    })();
    started.set(key, p);
  }
  return p;
}
