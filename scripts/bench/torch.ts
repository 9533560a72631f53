/**
 * `--torch`: the same forward+backward in Debian's python3-torch (scripts/bench/torch_vgg.py), on
 * the browser worker's thread count. Where python3 or torch is missing it is skipped with a note:
 * CI never needs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's python3-torch lives in the system Python, which a pyenv or venv on PATH would hide. */
const PYTHON =
  process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface TorchResult {
  torch: string;
  threads: number;
  sizes: { size: number; ms: number[]; medianMs: number }[];
  matMul: { n: number; ms: number[]; gflops: number };
}

export type TorchOutcome = { result: TorchResult } | { skipped: string };

export function torchBench(threads: number, rounds: number, sizes: number[]): TorchOutcome {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return { skipped: `${PYTHON} is not installed (${probe.error.message})` };
  if (probe.status !== 0) {
    return { skipped: 'PyTorch is not installed (Debian: apt-get install python3-torch)' };
  }
  const script = join(import.meta.dirname, 'torch_vgg.py');
  const args = [script, String(threads), String(rounds), ...sizes.map(String)];
  const r = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    // Passive OpenMP waits: on a shared machine spinning threads lose their time slices to each
    // other (measured here: 7.1 s instead of 2.0 s at 128 px with other work running).
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
  });
  if (r.status !== 0)
    return { skipped: `torch_vgg.py failed (exit ${r.status}): ${r.stderr.slice(-500)}` };
  return { result: JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult };
}
