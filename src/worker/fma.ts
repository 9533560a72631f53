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
import type { ConvLayerName } from '../model/topology';
import type { ExternalConv } from '../engine/vgg16';

/**
 * The layers it runs: where it beat tfjs-wasm's conv by at least 1.3x in `npm run bench` (part G,
 * bench-results/fma-2026-12-02.md: 1.35-2.9x on blocks 3-5, 1.0-1.15x on blocks 1-2, whose large
 * activations make the copies and the A packing weigh most).
 */
const FMA_LAYERS: ReadonlySet<ConvLayerName> = new Set<ConvLayerName>([
  'block3_conv1',
  'block3_conv2',
  'block3_conv3',
  'block4_conv1',
  'block4_conv2',
  'block4_conv3',
  'block5_conv1',
  'block5_conv2',
  'block5_conv3',
]);

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

/** FmaConv as the engine's external conv, on FMA_LAYERS. */
export function asExternalConv(conv: FmaConv): ExternalConv {
  return { run: conv.run.bind(conv), takes: (layer) => FMA_LAYERS.has(layer) };
}
