/**
 * What FmaConv's caller and its helper threads share: the kernel's exports, the helper's init
 * message, and the control words at the start of the shared memory (Atomics wake and await).
 */

/** wasm/conv3x3.c's exports (pointers are byte offsets into the shared memory). */
export interface ConvExports {
  packed_filter_floats(c: number, n: number): number;
  scratch_floats(): number;
  pack_filter(w: number, bias: number, c: number, n: number, out: number, bp: number): void;
  conv3x3(
    x: number,
    h: number,
    w: number,
    c: number,
    packed: number,
    bias: number,
    n: number,
    y: number,
    relu: number,
    panel0: number,
    panel1: number,
    scratch: number,
  ): void;
}

export interface HelperInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** 1.. (0 is the caller); picks the helper's share of panels and its scratch. */
  index: number;
}

/**
 * Int32 indices of the control words. SEQ: bumped per call, -1 to stop; DONE: helpers finished
 * with the call; READY: helpers started.
 */
export const CTL = {
  SEQ: 0,
  DONE: 1,
  READY: 15,
  PANELS: 2,
  THREADS: 3,
  SCRATCH: 4,
  SCRATCH_FLOATS: 5,
  /** conv3x3's first nine arguments, x to relu. */
  ARGS: 6,
} as const;
export const CTL_INTS = 16;

/** Panels [start, end) of thread `index` of `threads`: contiguous, sizes differing by at most 1. */
export function helperShare(panels: number, threads: number, index: number): [number, number] {
  const start = Math.floor((panels * index) / threads);
  return [start, Math.floor((panels * (index + 1)) / threads)];
}
