/**
 * The run object as its helper modules see it (step, output, recovery, debug hooks): RunController
 * implements it. An interface of its own so that those modules depend on it, not on the
 * controller that imports them (no import cycle, types included).
 */
import type { StyleSettings } from '../engine/settings';
import type { StagedCheckpoint, StagedRun, StageInfo } from '../engine/stages';
import type { TilingOptions } from '../engine/tiles/tiledRun';
import type { Vgg16Weights } from '../model/weights';
import type { FromWorker, PixelImage, RunState, SpatialMask } from './protocol';
import type { RunEvent, RunPhase } from './runStates';

/** The last image whose losses were finite, as CPU pixels: drawn, downloaded, restored after a fault. */
export interface GoodImage {
  height: number;
  width: number;
  rgb: Float32Array;
  /** The iteration that produced it (a withheld non-finite step does not count). */
  iteration: number;
  /** The coarse-to-fine stage it belongs to (a rebuilt run resumes there). */
  stage: StageInfo;
}

/** What a run is built from, CPU-side (the mask: the latest one applied, or none). */
export interface RunInputs {
  content: PixelImage;
  styles: PixelImage[];
  mask: SpatialMask | null;
}

/** What a run needs from the worker around it (the tests give their own). */
export interface RunPorts {
  post(msg: FromWorker, transfer?: Transferable[]): void;
  /** The weights as tensors on the current backend, or null before any are loaded. */
  weights(): Vgg16Weights | null;
  /** Draws on the preview canvas. */
  draw(img: { width: number; height: number; rgb: ArrayLike<number> }): void;
  /** A step found the WebGL context lost: recovery rebuilds (queued behind other jobs). */
  contextLost(token: number): void;
  /** Ends the worker without a word (the closeSelf debug hook: a silent death). */
  close(): void;
}

/** Debug hooks (e2e, ?debug only): close the worker as the next step starts; fail its allocation. */
export interface InjectedFaults {
  closeAtNextStep: boolean;
  failNextAllocation: boolean;
  /** Stages above this many pixels run in tiles whatever fits untiled (null: as measured). */
  tileAbovePixels: number | null;
}

export interface RunHandle {
  readonly ports: RunPorts;
  readonly phase: RunPhase;
  /** The engine's run, or null (none yet, freed, or lost with its backend). */
  run: StagedRun | null;
  settings: StyleSettings | null;
  /** The run's inputs, CPU-side: a lost WebGL context takes every tensor with it. */
  inputs: RunInputs | null;
  lastGood: GoodImage | null;
  /**
   * The last image of the latest stage that ended (coarse-to-fine), at its stage's size. Kept across
   * runs: the page's history may ask for it after a restart, for the run it belongs to.
   */
  stageEndImage: GoodImage | null;
  /**
   * The run's state at lastGood (stage, iteration, image in the run's colours, optimiser state):
   * what a rebuilt run restores after a lost context and, L-BFGS' pairs left out, what the page
   * keeps to resume the run in a new worker.
   */
  engineState: StagedCheckpoint | null;
  /** Iterations done before the run was rebuilt after a fault (the engine restarts at 0). */
  iterBase: number;
  maxIterations: number;
  avgStepMs: number;
  /** Total loss of the previous accepted step under the same settings (null after a change). */
  prevTotal: number | null;
  /** Which stages run in tiles, and the hooks their tiles report to (null: none can). */
  tiling: TilingOptions | null;
  readonly faults: InjectedFaults;
  /** Takes the transition the table gives for `event` (ignored when it gives none). */
  fire(event: RunEvent, message?: string): void;
  /** Ends every loop (a new one starts with startLoop). */
  retire(): void;
  /** (Re)starts the loop on the current run, announcing 'running' with `message`. */
  startLoop(message?: string, event?: RunEvent): void;
  /** Whether the loop `token` belongs to is still the current one and meant to run. */
  isCurrentRunning(token: number): boolean;
  /** Forgets a run whose tensors died with their backend (freeing them may throw: ignored). */
  abandonRun(): void;
  /** Whether a run exists (stopping it is what a backend or weights change does). */
  hasRun(): boolean;
  /** The state as the page last heard it, or will once the step in flight ends. */
  runState(): RunState;
  /** Frees the run (waiting for its step in flight) and forgets everything about it. */
  disposeRun(): Promise<void>;
}
