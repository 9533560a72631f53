/**
 * A 3x3 'same' conv that runs outside tfjs over plain arrays (issue 24's FMA kernel,
 * src/engine/fma/), as the engine's mode 'fma' calls it (./vgg16.ts). Its own module so that the
 * kernel implements it without importing the network code.
 */
import type { ConvLayerName } from '../model/topology';

/** A conv's filter and bias: read only the first time the key is seen (packed once). */
export interface FilterSource {
  /** Identifies the filter and bias (the engine passes the filter tensor). */
  key: object;
  filter(): Float32Array;
  bias(): Float32Array | null;
  /** False once the filter is gone (its tensor disposed: new weights); then packs are redone. */
  live?(): boolean;
}

/** Where the last call's time went (read by the bench's step profile). */
export interface ConvCallTiming {
  /** Copying x into the kernel's memory. */
  copyInMs: number;
  kernelMs: number;
  /** Copying y out of it. */
  copyOutMs: number;
}

export interface ExternalConv {
  /** relu?(conv3x3(x, filter) + bias): x [h, w, c], filter [3, 3, c, n]; returns [h, w, n]. */
  run(
    x: Float32Array,
    h: number,
    w: number,
    c: number,
    src: FilterSource,
    n: number,
    relu: boolean,
  ): Float32Array;
  /** Whether it runs this layer (where it was measured faster than tfjs' conv). */
  takes(layer: ConvLayerName): boolean;
  readonly lastCall?: ConvCallTiming;
}
