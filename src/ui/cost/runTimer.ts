/**
 * A run's own measurements, for the cost model: the wall time between its iteration messages,
 * stage by stage (what the person waits for: step, preview and messages together), and what each
 * stage's start cost on top. Each finished stage becomes one RunSample at its size.
 */
import type { ConvLayerName } from '../../model/topology';
import type { BackendName, StageReport } from '../../worker/protocol';
import type { RunSample } from './deviceCost';

interface StageTiming {
  number: number;
  pixels: number;
  /** When the stage's first iteration arrived, and the gap before it (set-up plus that step). */
  firstGapMs: number;
  lastAt: number;
  intervals: number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Intervals a stage needs before its median means something. */
const MIN_INTERVALS = 2;

export class RunTimer {
  private stage: StageTiming | null = null;
  private lastAt: number;
  private setupRatios: number[] = [];
  /** The run was paused: the next interval includes the pause and is no step's time. */
  private paused = false;

  constructor(
    readonly backend: BackendName,
    readonly deepest: ConvLayerName,
    startedAt: number,
  ) {
    this.lastAt = startedAt;
  }

  /**
   * An iteration arrived at `now` (ms, performance.now()); returns the sample of a stage that just
   * ended, if any.
   */
  iteration(stage: StageReport, now: number): RunSample | null {
    let done: RunSample | null = null;
    if (!this.stage || this.stage.number !== stage.number) {
      done = this.finishStage();
      this.stage = {
        number: stage.number,
        pixels: stage.width * stage.height,
        firstGapMs: now - this.lastAt,
        lastAt: now,
        intervals: [],
      };
    } else {
      if (!this.paused) this.stage.intervals.push(now - this.stage.lastAt);
      this.stage.lastAt = now;
    }
    this.paused = false;
    this.lastAt = now;
    return done;
  }

  pause(): void {
    this.paused = true;
  }

  /** The current stage's figure so far (time left follows it as the run goes). */
  live(): RunSample | null {
    const s = this.stage;
    if (!s || s.intervals.length < MIN_INTERVALS) return null;
    return {
      backend: this.backend,
      deepest: this.deepest,
      pixels: s.pixels,
      ms: median(s.intervals),
    };
  }

  /** Ends the current stage (the run ended): its sample, if it had enough steps. */
  finishStage(): RunSample | null {
    const sample = this.live();
    if (sample && this.stage)
      this.setupRatios.push(Math.max(0, this.stage.firstGapMs / sample.ms - 1));
    this.stage = null;
    return sample;
  }

  /** A stage's start in iterations of that stage (mean over the stages measured), or null. */
  stageSetup(): number | null {
    if (this.setupRatios.length === 0) return null;
    return this.setupRatios.reduce((a, b) => a + b, 0) / this.setupRatios.length;
  }
}
