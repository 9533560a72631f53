/**
 * A helper thread of FmaConv: instantiates the kernel over the shared memory, then waits on the
 * control word for each call, runs its share of panels, and counts itself done. Blocking with
 * Atomics.wait is allowed in Web Workers and Node worker_threads, which are its only hosts.
 */
import { CTL, CTL_INTS, helperShare, type ConvExports, type HelperInit } from './protocol';

export function runHelper({ module, memory, index }: HelperInit): void {
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ConvExports;
  const ctl = new Int32Array(memory.buffer, 0, CTL_INTS);
  let seen = 0;
  Atomics.add(ctl, CTL.READY, 1);
  for (;;) {
    Atomics.wait(ctl, CTL.SEQ, seen);
    const seq = Atomics.load(ctl, CTL.SEQ);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    const a = Array.from(ctl.subarray(CTL.ARGS, CTL.ARGS + 9));
    const [p0, p1] = helperShare(ctl[CTL.PANELS], ctl[CTL.THREADS], index);
    const scratch = ctl[CTL.SCRATCH] + index * ctl[CTL.SCRATCH_FLOATS] * 4;
    k.conv3x3(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], p0, p1, scratch);
    Atomics.add(ctl, CTL.DONE, 1);
    Atomics.notify(ctl, CTL.DONE);
  }
}
