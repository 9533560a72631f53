/**
 * Readbacks that a step awaits while it holds other tensors. On a lost WebGL context a read never
 * settles, so the step never resumes to free what it holds and those tensors would stay on tfjs'
 * books for good (the rebuilt run would seem to leak). The worker, once it gives up on such a step,
 * calls freeHeldReads() to free them.
 */
import * as tf from '@tensorflow/tfjs';

const held = new Set<tf.Tensor>();

/** `t`'s values, with `t` and `others` freed by freeHeldReads() while the read is pending. */
export async function readHolding(t: tf.Tensor, ...others: tf.Tensor[]): Promise<Float32Array> {
  const mine = [t, ...others];
  for (const x of mine) held.add(x);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    for (const x of mine) held.delete(x);
  }
}

/** Frees every tensor held by a pending read (their step was abandoned); returns how many. */
export function freeHeldReads(): number {
  const n = held.size;
  for (const x of held) x.dispose();
  held.clear();
  return n;
}
