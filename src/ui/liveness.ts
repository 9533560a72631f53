/**
 * Notices a style worker that died without a word: `self.close()` or an out-of-memory kill send
 * no error event, so a page waiting for the next iteration would wait forever.
 *
 * While a run is active the worker announces every step with how long it expects it to take (its
 * recent average). A long synchronous step is therefore never mistaken for death: the page only
 * gives up after a generous multiple of that expectation (or a long fixed bound for a first step,
 * whose length nobody knows yet), or when nothing at all arrives between steps, where the worker
 * has nothing to do but post its next announcement.
 */

export interface LivenessLimits {
  /** Dead after this many times the announced expected step time... */
  factor: number;
  /** ...but never sooner than this (a busy machine can stall a short step for seconds). */
  floorMs: number;
  /** Bound for a step without an expectation (the first one: it includes the targets). */
  unknownStepMs: number;
  /** Bound between steps: after an iteration, the next announcement comes within a frame. */
  betweenStepsMs: number;
}

export const LIVENESS_LIMITS: LivenessLimits = {
  factor: 10,
  floorMs: 20_000,
  unknownStepMs: 300_000,
  betweenStepsMs: 20_000,
};

/** What the page knew when it declared the worker dead, for the message it shows. */
export interface Silence {
  /** Inside an announced step, between steps, or while the run was being set up. */
  phase: 'step' | 'between' | 'start';
  /** The step that was announced and never finished (phase 'step'). */
  iteration: number | null;
  expectedMs: number | null;
  waitedMs: number;
}

export class LivenessWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onDead: (silence: Silence) => void,
    private readonly limits: LivenessLimits = LIVENESS_LIMITS,
  ) {}

  /** The bound for a step announced with `expectedMs` (null: unknown). */
  boundFor(expectedMs: number | null): number {
    const l = this.limits;
    return expectedMs === null || !(expectedMs > 0)
      ? l.unknownStepMs
      : Math.max(l.floorMs, l.factor * expectedMs);
  }

  /** The worker announced a step. */
  stepStarted(iteration: number, expectedMs: number | null): void {
    this.arm(this.boundFor(expectedMs), { phase: 'step', iteration, expectedMs });
  }

  /** A tiled step finished a tile: the next tile may take as long as an unknown step. */
  tileDone(): void {
    this.arm(this.limits.unknownStepMs, { phase: 'step', iteration: null, expectedMs: null });
  }

  /** The run is being set up (targets computed): as long as a first step may take. */
  starting(): void {
    this.arm(this.limits.unknownStepMs, { phase: 'start', iteration: null, expectedMs: null });
  }

  /** The worker finished a step (or otherwise spoke) and the run goes on: the next must come soon. */
  between(): void {
    this.arm(this.limits.betweenStepsMs, { phase: 'between', iteration: null, expectedMs: null });
  }

  /** The run is not active (paused, done, stopped, idle): nothing is expected. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  get armed(): boolean {
    return this.timer !== null;
  }

  private arm(ms: number, what: Omit<Silence, 'waitedMs'>): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onDead({ ...what, waitedMs: ms });
    }, ms);
  }
}

/** The sentence the page shows when it gave up on a silent worker. */
export function describeSilence(s: Silence): string {
  const waited = `${Math.round(s.waitedMs / 1000)} s`;
  if (s.phase === 'start') return `it sent nothing for ${waited} while setting up the run`;
  if (s.phase === 'between') return `it sent nothing for ${waited} between iterations`;
  const expected =
    s.expectedMs === null ? '' : ` (expected to take about ${(s.expectedMs / 1000).toFixed(1)} s)`;
  return `iteration ${s.iteration}${expected} had not finished after ${waited}`;
}
