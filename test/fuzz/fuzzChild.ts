/**
 * Runs fuzz cases in a child process so the parent can stop one that hangs (a synchronous loop in
 * JS or in HDF5's wasm cannot be interrupted from its own thread) and see one that runs out of
 * memory. Reports each case's start and end over the IPC channel.
 *
 *   node --import tsx test/fuzz/fuzzChild.ts <kind> <baseSeed> <first> <count>
 *
 * replays cases first..first+count-1 of one kind (the fuzz test prints the indices of failures).
 */
import { FUZZ_KINDS, fuzzCase, type FuzzKind } from './mutate';
import { fuzzSeeds } from './seeds';
import { feed, h5wasmHeapBytes, type Outcome } from './targets';

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'start'; index: number; mutation: string; seed: string; detail: string; size: number }
  | {
      type: 'done';
      index: number;
      outcome: Outcome;
      ms: number;
      /** JS-side ArrayBuffer bytes and wasm memory bytes after the case. */
      arrayBuffers: number;
      wasmHeap: number;
    };

/** Settles once the last message sent has left the process (messages go out in order). */
let lastSend: Promise<void> = Promise.resolve();

async function main(): Promise<void> {
  const [kindArg, seedArg, firstArg, countArg] = process.argv.slice(2);
  const kind = kindArg as FuzzKind;
  if (!FUZZ_KINDS.includes(kind)) throw new Error(`unknown fuzz kind ${kindArg}`);
  const [baseSeed, first, count] = [seedArg, firstArg, countArg].map(Number);
  const send = (m: ChildMessage) => {
    const ipc = process.send?.bind(process);
    if (!ipc) {
      console.log(JSON.stringify(m));
      return;
    }
    lastSend = new Promise((resolve) => ipc(m, undefined, undefined, () => resolve()));
  };
  const seeds = await fuzzSeeds(kind);
  // Load h5wasm before the first case so its start-up is not charged to case 0.
  if (kind === 'h5') await h5wasmHeapBytes();
  send({ type: 'ready' });
  for (let index = first; index < first + count; index++) {
    const c = fuzzCase(kind, seeds, baseSeed, index);
    send({
      type: 'start',
      index,
      mutation: c.mutation,
      seed: c.seed,
      detail: c.detail,
      size: c.bytes.length,
    });
    const t0 = performance.now();
    const outcome = await feed(kind, c.bytes);
    const ms = performance.now() - t0;
    send({
      type: 'done',
      index,
      outcome,
      ms,
      arrayBuffers: process.memoryUsage().arrayBuffers,
      wasmHeap: kind === 'h5' ? await h5wasmHeapBytes() : 0,
    });
  }
}

main().then(
  // Disconnecting drops messages still queued: on a busy machine that lost the last cases' reports.
  async () => {
    await lastSend;
    process.disconnect?.();
  },
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
