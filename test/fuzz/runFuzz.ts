/**
 * Runs `count` fuzz cases of one kind in a child process (fuzzChild.ts) and watches it: a case that
 * takes longer than the time bound is a hang (the child is killed), a child that dies is a crash
 * (out of memory included: it runs under a fixed V8 heap limit), and a case after which the
 * process holds more ArrayBuffer or wasm memory than the caps is an over-allocation.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { ChildMessage } from './fuzzChild';
import type { FuzzKind, Mutation } from './mutate';

export interface FuzzLimits {
  /** A case running longer than this is a hang. Generous: a case takes milliseconds. */
  caseTimeoutMs: number;
  /** V8 heap of the child (--max-old-space-size): JS allocations past it kill the child. */
  jsHeapMb: number;
  /** ArrayBuffer bytes (typed arrays live outside the V8 heap) allowed after any case. */
  arrayBufferCapBytes: number;
  /** h5wasm's wasm memory allowed after any case (it only grows, so this caps every case). */
  wasmHeapCapBytes: number;
}

export const FUZZ_LIMITS: FuzzLimits = {
  caseTimeoutMs: 10_000,
  jsHeapMb: 256,
  arrayBufferCapBytes: 64 * 2 ** 20,
  wasmHeapCapBytes: 128 * 2 ** 20,
};

export interface FuzzFailure {
  index: number;
  mutation: string;
  seed: string;
  detail: string;
  problem: string;
}

export interface FuzzReport {
  kind: FuzzKind;
  cases: number;
  byMutation: Record<Mutation, number>;
  accepted: number;
  refused: number;
  /** The distinct refusal messages and how often each came (what a user would read). */
  refusals: Map<string, number>;
  failures: FuzzFailure[];
  slowest: { index: number; mutation: string; detail: string; ms: number } | null;
  maxArrayBuffers: number;
  maxWasmHeap: number;
  wallMs: number;
}

const CHILD = join(import.meta.dirname, 'fuzzChild.ts');

export function runFuzz(
  kind: FuzzKind,
  count: number,
  baseSeed: number,
  limits: FuzzLimits = FUZZ_LIMITS,
): Promise<FuzzReport> {
  const report: FuzzReport = {
    kind,
    cases: 0,
    byMutation: { bitflip: 0, truncate: 0, dimensions: 0, length: 0 },
    accepted: 0,
    refused: 0,
    refusals: new Map(),
    failures: [],
    slowest: null,
    maxArrayBuffers: 0,
    maxWasmHeap: 0,
    wallMs: 0,
  };
  const t0 = performance.now();
  const child = fork(CHILD, [kind, String(baseSeed), '0', String(count)], {
    execArgv: ['--import', 'tsx', `--max-old-space-size=${limits.jsHeapMb}`],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  // Cases run in order, so the one in progress is the one after the last finished.
  let current: Omit<FuzzFailure, 'problem'> = {
    index: 0,
    mutation: '?',
    seed: '?',
    detail: '(before the first case)',
  };
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fail = (problem: string) => report.failures.push({ ...current, problem });
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fail(`no answer within ${ms} ms: hang`);
      child.kill('SIGKILL');
    }, ms);
  };
  // Start-up (tsx, seeds, h5wasm) gets its own, larger bound: the machine may be busy.
  arm(Math.max(60_000, limits.caseTimeoutMs));

  child.on('message', (m: ChildMessage) => {
    if (m.type === 'ready') {
      started = true;
      arm(limits.caseTimeoutMs);
    } else if (m.type === 'start') {
      current = { index: m.index, mutation: m.mutation, seed: m.seed, detail: m.detail };
      arm(limits.caseTimeoutMs);
    } else {
      arm(limits.caseTimeoutMs);
      report.cases++;
      report.byMutation[current.mutation as Mutation]++;
      const { outcome } = m;
      if (outcome.status === 'accepted') report.accepted++;
      if (outcome.status === 'refused') {
        report.refused++;
        // Numbers vary per case (offsets, sizes); the kind of message is what is worth listing.
        const key = outcome.summary.replace(/\b\d+\b/g, 'N');
        report.refusals.set(key, (report.refusals.get(key) ?? 0) + 1);
      }
      if (outcome.status === 'bug') fail(outcome.summary);
      if (!report.slowest || m.ms > report.slowest.ms) {
        report.slowest = {
          index: m.index,
          mutation: current.mutation,
          detail: current.detail,
          ms: m.ms,
        };
      }
      report.maxArrayBuffers = Math.max(report.maxArrayBuffers, m.arrayBuffers);
      report.maxWasmHeap = Math.max(report.maxWasmHeap, m.wasmHeap);
      if (m.arrayBuffers > limits.arrayBufferCapBytes) {
        fail(`${m.arrayBuffers} ArrayBuffer bytes held, cap ${limits.arrayBufferCapBytes}`);
      }
      if (m.wasmHeap > limits.wasmHeapCapBytes) {
        fail(`wasm memory grew to ${m.wasmHeap} bytes, cap ${limits.wasmHeapCapBytes}`);
      }
      current = { index: m.index + 1, mutation: '?', seed: '?', detail: '(next case)' };
    }
  });

  return new Promise((resolve) => {
    // 'close', not 'exit': it comes after the IPC channel is drained, so no late 'done' is lost.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (report.cases < count && !report.failures.some((f) => /hang/.test(f.problem))) {
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        const where = started ? '' : ' during start-up';
        fail(`the fuzz process died${where} (${why}): ${stderr.trim().split('\n').pop() ?? ''}`);
      }
      report.wallMs = performance.now() - t0;
      resolve(report);
    });
  });
}

/** One paragraph for the test log: counts, refusals, slowest case, memory high-water marks. */
export function describeReport(r: FuzzReport): string {
  const mutations = Object.entries(r.byMutation)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const slow = r.slowest
    ? `slowest: case ${r.slowest.index} (${r.slowest.mutation}: ${r.slowest.detail}) ${r.slowest.ms.toFixed(1)} ms`
    : 'no case ran';
  const refusals = [...r.refusals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([msg, n]) => `    ${n}× ${msg}`)
    .join('\n');
  return [
    `fuzz ${r.kind}: ${r.cases} cases (${mutations}) in ${(r.wallMs / 1000).toFixed(1)} s; ` +
      `${r.accepted} accepted, ${r.refused} refused, ${r.failures.length} failures`,
    `  ${slow}; max ArrayBuffers ${(r.maxArrayBuffers / 2 ** 20).toFixed(1)} MiB` +
      (r.kind === 'h5' ? `, max wasm memory ${(r.maxWasmHeap / 2 ** 20).toFixed(1)} MiB` : ''),
    ...(refusals ? ['  refusals:', refusals] : []),
  ].join('\n');
}
