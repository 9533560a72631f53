/**
 * Seeded fuzzing of everything that parses a file a person drops on the page: the image header
 * parser (with the intake's header checks after it) and the Keras .h5 converter (h5wasm).
 * Each kind gets FUZZ_CASES mutated files: bit flips, truncations, inflated dimensions, huge
 * length fields. Every case must end in the module's own error type or a clean result, within the
 * time bound and memory caps of runFuzz.ts (FUZZ_LIMITS). A failure prints its case index; replay
 * it with `npx tsx test/fuzz/fuzzChild.ts <kind> <seed> <index> 1`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_KINDS, MUTATIONS, fieldCounts, fuzzCase, type FuzzKind, type Seed } from './mutate';
import { fuzzSeeds } from './seeds';
import { feed } from './targets';
import { FUZZ_LIMITS, describeReport, runFuzz } from './runFuzz';

const FUZZ_CASES = 600;
const FUZZ_SEED = 20261128;

const seeds = new Map<FuzzKind, Seed[]>();
beforeAll(async () => {
  for (const kind of FUZZ_KINDS) seeds.set(kind, await fuzzSeeds(kind));
});

describe('fuzz mutations', () => {
  it('start from files the page accepts, and find fields to inflate in every seed', async () => {
    for (const kind of FUZZ_KINDS) {
      for (const seed of seeds.get(kind)!) {
        expect(await feed(kind, seed.bytes), `${kind} ${seed.name}`).toMatchObject({
          status: 'accepted',
        });
        const fields = fieldCounts(kind, seed.bytes);
        expect(fields.dims, `${kind} ${seed.name} dimension fields`).toBeGreaterThan(0);
        expect(fields.lengths, `${kind} ${seed.name} length fields`).toBeGreaterThan(0);
      }
    }
  });

  it('are reproducible from (kind, seed, index), and differ from case to case', () => {
    for (const kind of FUZZ_KINDS) {
      const a = fuzzCase(kind, seeds.get(kind)!, FUZZ_SEED, 42);
      const b = fuzzCase(kind, seeds.get(kind)!, FUZZ_SEED, 42);
      const c = fuzzCase(kind, seeds.get(kind)!, FUZZ_SEED, 46); // same mutation, next draw
      expect(b).toEqual(a);
      expect(c.mutation).toBe(a.mutation);
      expect(c.bytes).not.toEqual(a.bytes);
    }
  });
});

describe.each(FUZZ_KINDS)('fuzzed %s files', (kind) => {
  it(
    `${FUZZ_CASES} cases end in a result or the module's own error, in bounded time and memory`,
    async () => {
      const r = await runFuzz(kind, FUZZ_CASES, FUZZ_SEED);
      console.log(describeReport(r));
      expect(r.failures).toEqual([]);
      expect(r.cases).toBe(FUZZ_CASES);
      for (const m of MUTATIONS) expect(r.byMutation[m]).toBe(FUZZ_CASES / MUTATIONS.length);
      // The mutations bite: a good share of the files is refused with a message, and for images
      // some inflated dimensions get as far as the size check.
      expect(r.refused).toBeGreaterThan(FUZZ_CASES / 4);
      if (kind !== 'h5') {
        expect([...r.refusals.keys()].some((k) => k.startsWith('is too large to open'))).toBe(true);
      }
    },
    // Five children start tsx (and one h5wasm) on a shared machine: a roomy bound for the
    // whole kind; each case has its own, FUZZ_LIMITS.caseTimeoutMs.
    FUZZ_CASES * FUZZ_LIMITS.caseTimeoutMs,
  );
});
