/**
 * The fused multiply-add conv of wasm/conv3x3.c (issue 24) over plain Float32Arrays: a 3x3,
 * stride 1, 'same' conv of one NHWC image, with bias and optional ReLU, on `threads` threads that
 * share one WebAssembly memory. The caller's thread takes the first share; helpers (./helper.ts)
 * take the rest and are woken and awaited with Atomics, so a call is synchronous, as a tfjs
 * kernel must be. Helpers are started by the caller (Web Workers, Node worker_threads).
 */
import type { ConvLayerName } from '../../model/topology';
import type { ConvCallTiming, ExternalConv, FilterSource } from '../externalConv';
import { CTL, CTL_INTS, helperShare, type ConvExports, type HelperInit } from './protocol';

const PAGE = 65536;

/** The two builds of wasm/conv3x3.c: fused multiply-add (relaxed SIMD) and plain SIMD. */
export type FmaVariant = 'relaxed' | 'simd';

interface PackedFilter {
  at: number;
  biasAt: number;
  c: number;
  n: number;
}

const align4 = (floats: number) => Math.ceil(floats / 4) * 4;

/** Starts one helper thread with its init message (the environment's Worker). */
export type SpawnHelper = (init: HelperInit) => { terminate(): void };

export interface FmaConvOptions {
  /** Total threads, the caller's included (1: no helpers). */
  threads?: number;
  spawn?: SpawnHelper;
  /** The layers it takes as the engine's external conv (absent: every layer). */
  layers?: ReadonlySet<ConvLayerName>;
}

/** Whether this engine can run `bytes` (relaxed SIMD, shared memory); false is the fallback case. */
export function canRunFma(bytes: BufferSource): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export class FmaConv implements ExternalConv {
  readonly threads: number;
  readonly lastCall: ConvCallTiming = { copyInMs: 0, kernelMs: 0, copyOutMs: 0 };
  private readonly layers: ReadonlySet<ConvLayerName> | null;
  private readonly memory: WebAssembly.Memory;
  private readonly k: ConvExports;
  private readonly helpers: { terminate(): void }[] = [];
  private readonly ctl: Int32Array;
  private seq = 0;
  /** Float offset of the threads' scratch, after the control words. */
  private readonly scratchAt = CTL_INTS;
  /** Float offset where the per-call area starts: after the scratch and the packed filters. */
  private persistentEnd: number;
  private packed = new Map<object, PackedFilter & { src: FilterSource }>();
  private readonly packedStart: number;

  private constructor(module: WebAssembly.Module, opts: FmaConvOptions) {
    this.threads = Math.max(1, opts.threads ?? 1);
    this.layers = opts.layers ?? null;
    if (this.threads > 1 && !opts.spawn) throw new Error('FmaConv: threads > 1 need a spawn');
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const inst = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.k = inst.exports as unknown as ConvExports;
    this.ctl = new Int32Array(this.memory.buffer, 0, CTL_INTS);
    this.packedStart = this.scratchAt + align4(this.k.scratch_floats() * this.threads);
    this.persistentEnd = this.packedStart;
    this.ensure(this.persistentEnd * 4);
    for (let i = 1; i < this.threads; i++) {
      this.helpers.push(opts.spawn!({ module, memory: this.memory, index: i }));
    }
  }

  /**
   * Compiles `bytes` (conv3x3-relaxed.wasm or conv3x3-simd.wasm), starts the helpers and waits
   * until they listen: a call blocks its thread, and a host may need that thread to start them.
   */
  static async create(bytes: BufferSource, opts: FmaConvOptions = {}): Promise<FmaConv> {
    const conv = new FmaConv(await WebAssembly.compile(bytes), opts);
    const started = performance.now();
    while (Atomics.load(conv.ctl, CTL.READY) < conv.helpers.length) {
      if (performance.now() - started > 30_000) {
        conv.dispose();
        throw new Error('FmaConv: helper threads did not start within 30 s');
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    return conv;
  }

  takes(layer: ConvLayerName): boolean {
    return !this.layers || this.layers.has(layer);
  }

  /** Memory of at least `bytes`, grown in whole pages; views must be made after this. */
  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /**
   * The filter of `src` packed (once per key: later calls reuse it, as tfjs-wasm keeps its
   * XNNPACK operators per filter). Packed filters live below the per-call area for the kernel's
   * life; the engine has one per layer and direction.
   */
  private packedFilter(src: FilterSource, c: number, n: number): PackedFilter {
    const hit = this.packed.get(src.key);
    if (hit) {
      if (hit.c !== c || hit.n !== n) throw new Error('FmaConv: a filter key changed shape');
      return hit;
    }
    // New weights (a model loaded) retire the old ones: drop every pack, so memory is reused.
    if ([...this.packed.values()].some((p) => p.src.live?.() === false)) {
      this.packed = new Map();
      this.persistentEnd = this.packedStart;
    }
    const filter = src.filter();
    if (filter.length !== 9 * c * n) throw new Error('FmaConv: filter is not [3, 3, c, n]');
    const np = Math.ceil(n / 8) * 8;
    const at = this.persistentEnd;
    const biasAt = at + align4(this.k.packed_filter_floats(c, n));
    this.persistentEnd = biasAt + align4(np);
    // Staging for the raw filter and bias, above the packed ones.
    const filterIn = this.persistentEnd;
    const biasIn = filterIn + align4(filter.length);
    this.ensure((biasIn + align4(np)) * 4);
    const f = new Float32Array(this.memory.buffer);
    f.set(filter, filterIn);
    const bias = src.bias();
    if (bias) f.set(bias, biasIn);
    else f.fill(0, biasIn, biasIn + n);
    this.k.pack_filter(filterIn * 4, biasIn * 4, c, n, at * 4, biasAt * 4);
    const p = { at, biasAt, c, n, src };
    this.packed.set(src.key, p);
    return p;
  }

  /**
   * relu?(conv3x3(x, filter) + bias): x [h, w, c], the filter [3, 3, c, n] (HWIO) and bias [n]
   * (zeros when null) of `src`; returns a new [h, w, n].
   */
  run(
    x: Float32Array,
    h: number,
    w: number,
    c: number,
    src: FilterSource,
    n: number,
    relu: boolean,
  ): Float32Array {
    if (x.length !== h * w * c) throw new Error(`FmaConv: x has ${x.length} values, not h*w*c`);
    const pf = this.packedFilter(src, c, n);
    const t0 = performance.now();
    const xAt = this.persistentEnd;
    const yAt = xAt + align4(x.length);
    this.ensure((yAt + h * w * n) * 4);
    const f = new Float32Array(this.memory.buffer);
    f.set(x, xAt);
    const t1 = performance.now();
    const scratch = this.k.scratch_floats();
    const scratchAt = this.scratchAt;
    const packedAt = pf.at;
    const biasAt = pf.biasAt;

    const panels = Math.ceil((h * w) / 6);
    const args = [xAt * 4, h, w, c, packedAt * 4, biasAt * 4, n, yAt * 4, relu ? 1 : 0] as const;
    // A view made before a grow still sees the same words: shared memory grows in place.
    const ctl = this.ctl;
    if (this.helpers.length) {
      ctl.set(args, CTL.ARGS);
      ctl[CTL.PANELS] = panels;
      ctl[CTL.THREADS] = this.threads;
      ctl[CTL.SCRATCH] = scratchAt * 4;
      ctl[CTL.SCRATCH_FLOATS] = scratch;
      Atomics.store(ctl, CTL.DONE, 0);
      Atomics.store(ctl, CTL.SEQ, ++this.seq);
      Atomics.notify(ctl, CTL.SEQ);
    }
    const [p0, p1] = helperShare(panels, this.threads, 0);
    this.k.conv3x3(...args, p0, p1, scratchAt * 4);
    for (let d = Atomics.load(ctl, CTL.DONE); d < this.helpers.length;) {
      Atomics.wait(ctl, CTL.DONE, d);
      d = Atomics.load(ctl, CTL.DONE);
    }
    const t2 = performance.now();
    const y = f.slice(yAt, yAt + h * w * n);
    this.lastCall.copyInMs = t1 - t0;
    this.lastCall.kernelMs = t2 - t1;
    this.lastCall.copyOutMs = performance.now() - t2;
    return y;
  }

  /** Stops the helpers (they wait on the control word; a negative sequence tells them to end). */
  dispose(): void {
    if (this.helpers.length) {
      Atomics.store(this.ctl, CTL.SEQ, -1);
      Atomics.notify(this.ctl, CTL.SEQ);
    }
    for (const h of this.helpers) h.terminate();
    this.helpers.length = 0;
  }
}
