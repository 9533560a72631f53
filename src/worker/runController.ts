/**
 * The run as one object: it owns one run's state (the engine's run, its inputs and settings, the
 * last good image, the loop) and moves between the states of ./runStates.ts only. The step, the
 * output and the recovery after faults are modules of their own that take this object.
 *
 * Steps are async (their readbacks are), so messages land between and during them. Control
 * messages only change the state, which the loop reads after the step in flight; anything that
 * replaces or frees the run first waits for that step with settle().
 */
import * as tf from '@tensorflow/tfjs';
import { isOutOfMemoryError } from '../engine/memoryEstimate';
import type { StyleSettings } from '../engine/settings';
import { StagedRun, type StagedCheckpoint } from '../engine/stages';
import { messageOf } from './errors';
import { saveEngineState } from './faultRecovery';
import { refuseIfTooLarge, tilingFor } from './memoryCheck';
import type { PassHooks, TilingOptions } from '../engine/tiles/tiledRun';
import { pixelsOf, pixelsToTensor } from './pixels';
import type { LiveSettingsPatch, RunState, SpatialMask, ToWorker } from './protocol';
import { stepOnce } from './runStep';
import { announcedState, nextPhase, settledState, type RunEvent, type RunPhase } from './runStates';
import type { GoodImage, InjectedFaults, RunHandle, RunInputs, RunPorts } from './runTypes';

/**
 * Resolves once the worker had a rendering opportunity (or after 100 ms if frames are throttled).
 * The transferred canvas only shows what was drawn when the worker reaches its next animation
 * frame: without this wait a long step would start first and the page would show a stale preview.
 */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      });
    }
  });
}

export class RunController implements RunHandle {
  run: StagedRun | null = null;
  settings: StyleSettings | null = null;
  inputs: RunInputs | null = null;
  lastGood: GoodImage | null = null;
  stageEndImage: GoodImage | null = null;
  engineState: StagedCheckpoint | null = null;
  iterBase = 0;
  maxIterations = 100;
  avgStepMs = 0;
  prevTotal: number | null = null;
  tiling: TilingOptions | null = null;
  readonly faults: InjectedFaults = {
    closeAtNextStep: false,
    failNextAllocation: false,
    tileAbovePixels: null,
  };

  private state: RunPhase = 'idle';
  private pendingPatch: LiveSettingsPatch | null = null;
  /** A mask change waiting for the next iteration (wrapped: null is a change too). */
  private pendingMask: { mask: SpatialMask | null } | null = null;
  /** Bumped whenever a loop must end (new run, stop, pause), so an older loop stops at its next tick. */
  private runToken = 0;
  /** The step in flight, if any: settle() waits for it. */
  private stepping: Promise<unknown> | null = null;
  /**
   * Counts Stops. A Start waits in the worker's job queue (behind a download, say) while the page
   * already shows it as starting; a Stop that arrives meanwhile must cancel it, not be ignored
   * because nothing runs yet. The router notes this count when a Start arrives (startTicket).
   */
  private stopsReceived = 0;

  constructor(readonly ports: RunPorts) {}

  get phase(): RunPhase {
    return this.state;
  }

  /** The state as the page last heard it, or will once the step in flight ends. */
  runState(): RunState {
    return settledState(this.state);
  }

  fire(event: RunEvent, message?: string): void {
    const next = nextPhase(this.state, event);
    if (next === null) return;
    this.state = next;
    // A Pause or Stop with no step in flight takes effect at once.
    if ((next === 'pausing' || next === 'stopping') && !this.stepping) {
      this.fire('stepEnded', message);
      return;
    }
    const shown = announcedState(next);
    if (shown) this.announce(shown, message);
  }

  private announce(state: RunState, message?: string): void {
    const good = this.lastGood;
    this.ports.post({ type: 'state', state, width: good?.width, height: good?.height, message });
  }

  retire(): void {
    this.runToken++;
  }

  /** Waits for the step in flight (if any) to end; the run's tensors are then safe to free. */
  async settle(): Promise<void> {
    while (this.stepping) await this.stepping.catch(() => {});
  }

  async disposeRun(): Promise<void> {
    this.retire();
    await this.settle();
    this.run?.dispose();
    this.run = null;
    this.settings = null;
    this.pendingPatch = null;
    this.pendingMask = null;
    this.inputs = null;
    this.lastGood = null;
    this.engineState = null;
    this.iterBase = 0;
    this.prevTotal = null;
  }

  abandonRun(): void {
    try {
      this.run?.dispose();
    } catch {
      // Already unusable: nothing else to release.
    }
    this.run = null;
  }

  hasRun(): boolean {
    return this.run !== null;
  }

  isCurrentRunning(token: number): boolean {
    return token === this.runToken && this.state === 'running';
  }

  /** What a Start message carries to start(): a Stop received after it cancels it. */
  startTicket(): number {
    return this.stopsReceived;
  }

  startLoop(message?: string, event: RunEvent = 'resume'): void {
    this.retire();
    this.fire(event, message);
    void this.loop(this.runToken);
  }

  /** One step of the run (tests wrap it to hold a step in flight). */
  protected step(r: StagedRun, token: number): Promise<boolean> {
    return stepOnce(this, r, token);
  }

  private applyPendingMask(iteration: number): void {
    if (!this.pendingMask || !this.run || !this.inputs) return;
    const { mask } = this.pendingMask;
    this.pendingMask = null;
    try {
      this.run.setMask(mask);
    } catch (e) {
      this.ports.post({
        type: 'error',
        where: 'step',
        message: `Mask not applied: ${messageOf(e)}`,
      });
      return;
    }
    this.inputs = { ...this.inputs, mask };
    this.prevTotal = null; // another loss function now: a jump is no divergence
    this.ports.post({ type: 'maskApplied', iteration, regions: mask?.regions.length ?? 0 });
  }

  private applyPendingPatch(iteration: number): void {
    this.applyPendingMask(iteration);
    if (!this.pendingPatch || !this.run || !this.settings) return;
    const patch = this.pendingPatch;
    this.pendingPatch = null;
    try {
      this.run.updateSettings(patch);
    } catch (e) {
      // The engine changed nothing: say why and keep going with the settings in force.
      const message = `Setting not applied: ${messageOf(e)}`;
      this.ports.post({ type: 'error', where: 'step', message });
      return;
    }
    this.settings = { ...this.settings, ...patch };
    // New weights or layers change the loss's scale, so a jump is no sign of divergence then; a
    // new learning rate or optimiser does not, and the step right after one is what to check.
    if (Object.keys(patch).some((k) => k !== 'learningRate' && k !== 'optimizer')) {
      this.prevTotal = null;
    }
    this.ports.post({ type: 'settingsApplied', iteration, settings: this.settings });
  }

  private async loop(token: number): Promise<void> {
    for (;;) {
      await nextFrame();
      const run = this.run;
      if (token !== this.runToken || this.state !== 'running' || !run || !this.settings) return;
      if (this.iterBase + run.iteration >= this.maxIterations) {
        this.fire('finish');
        return;
      }
      this.applyPendingPatch(this.iterBase + run.iteration + 1);
      // Announced so the page can tell a long step from a dead worker (no event comes for
      // close()). A step that starts a stage has no known length: a larger image, targets first.
      this.ports.post({
        type: 'stepStart',
        iteration: this.iterBase + run.iteration + 1,
        expectedMs: this.avgStepMs > 0 && !run.nextStepStartsStage ? this.avgStepMs : null,
      });
      if (this.faults.closeAtNextStep) {
        this.ports.close();
        return;
      }
      const step = this.step(run, token);
      this.stepping = step;
      let goOn: boolean;
      try {
        goOn = await step;
      } finally {
        this.stepping = null;
      }
      if (this.phase === 'pausing' || this.phase === 'stopping') {
        // Pause or Stop arrived during the step: it takes effect now that the step ended.
        this.fire('stepEnded');
        return;
      }
      if (!goOn) return;
    }
  }

  async start(
    msg: Extract<ToWorker, { type: 'start' }>,
    ticket = this.startTicket(),
  ): Promise<void> {
    if (ticket !== this.stopsReceived) {
      // Stopped before it began: the run before it (if any) stays as it is, and the page, which
      // showed 'starting', hears the real state.
      this.announce(this.runState());
      return;
    }
    const weights = this.ports.weights();
    if (!weights) {
      const message = 'Load weights before starting a run.';
      this.ports.post({ type: 'error', where: 'start', message });
      return;
    }
    // Refused before anything is dropped: the run before it (a finished result) stays as it was.
    const mask = msg.mask ?? null;
    const refusal = await refuseIfTooLarge(weights, msg.settings, msg.content, mask).catch(
      () => null,
    );
    if (refusal) {
      this.refuseStart(refusal);
      return;
    }
    await this.disposeRun();
    const tiling = await tilingFor(weights, msg.settings, msg.content, mask, this.faults).catch(
      () => null,
    );
    this.tiling = tiling && { ...tiling, hooks: this.tileHooks() };
    this.maxIterations = msg.maxIterations;
    this.avgStepMs = 0;
    this.fire('start');
    try {
      const run = this.buildRun(msg);
      this.run = run;
      this.settings = { ...msg.settings };
      this.inputs = { content: msg.content, styles: msg.styles, mask: msg.mask ?? null };
      const first = run.currentImage();
      const [h, w] = first.shape;
      const rgb = (await first.data()) as Float32Array;
      first.dispose();
      this.lastGood = { height: h, width: w, rgb, iteration: run.iteration, stage: run.stage };
      this.ports.draw(this.lastGood);
      await saveEngineState(this, run);
    } catch (e) {
      await this.disposeRun();
      const message = isOutOfMemoryError(e)
        ? `Out of memory while preparing the run: try a smaller output size. (${messageOf(e)})`
        : messageOf(e);
      this.ports.post({ type: 'error', where: 'start', message });
      this.fire('startFailed');
      return;
    }
    // Stop may land while the first image is read back: the run then stays stopped.
    if (this.state !== 'starting' || !this.settings) return;
    this.ports.post({ type: 'settingsApplied', iteration: 0, settings: this.settings });
    const regions = msg.mask?.regions.length;
    if (regions) this.ports.post({ type: 'maskApplied', iteration: 0, regions });
    this.startLoop(undefined, 'prepared');
  }

  /** A Start refused before anything was dropped: the page hears why, and the state it still has. */
  refuseStart(message: string): void {
    this.ports.post({ type: 'error', where: 'start', message });
    this.announce(this.runState());
  }

  /** The engine's run for a Start: fresh, resumed from a replaced worker's state, or a kept result. */
  private buildRun(msg: Extract<ToWorker, { type: 'start' }>): StagedRun {
    const weights = this.ports.weights();
    if (!weights) throw new Error('Load weights before starting a run.');
    const content = pixelsToTensor(msg.content);
    const styles = pixelsOf(msg.styles);
    const init = msg.initImage ? pixelsToTensor(msg.initImage) : null;
    // A replaced worker's run goes on in its stage from its iteration, its state restored below;
    // a kept result, in the stage its iteration falls in, counting on from it.
    const resume = msg.resumeFrom;
    const from = resume
      ? { stage: resume.stage, iteration: resume.iteration }
      : init && msg.startIteration
        ? { iteration: msg.startIteration, image: init }
        : undefined;
    try {
      const run = new StagedRun(
        weights,
        content,
        styles,
        msg.settings,
        msg.maxIterations,
        from,
        msg.mask ?? null,
        this.tiling,
      );
      try {
        // Same image and (Adam) optimiser state as the old worker had at that iteration.
        if (resume) run.restore(resume);
        else if (init && !from) run.setImage(init);
      } catch (e) {
        run.dispose();
        throw e;
      }
      return run;
    } finally {
      content.dispose();
      tf.dispose(styles);
      init?.dispose();
    }
  }

  /**
   * A tiled stage's step reports each tile, and a Pause or Stop ends it between two tiles (the
   * pass is abandoned and taken again whole on resume): both take effect within one tile.
   */
  private tileHooks(): PassHooks {
    return {
      onTile: (p) => {
        const run = this.run;
        if (!run) return;
        const iteration = this.iterBase + run.iteration + 1;
        const { tile, tiles, sweep } = p;
        this.ports.post({ type: 'tileProgress', iteration, tile, tiles, sweep });
        // On wasm a tile's reads resolve as microtasks: without a macrotask turn here a Pause or
        // Stop message would wait in the queue until the whole pass is done.
        return new Promise<void>((resolve) => setTimeout(resolve, 0));
      },
      shouldStop: () => this.state === 'pausing' || this.state === 'stopping',
    };
  }

  pause(): void {
    // With a step in flight the loop pauses when it ends (the page says "Pausing…" meanwhile).
    this.fire('pause');
  }

  resume(): void {
    if (this.state === 'pausing') {
      // Resumed before the pause took effect: the loop in flight simply goes on.
      this.fire('resume');
      return;
    }
    const run = this.run;
    if ((this.state === 'paused' || this.state === 'done') && run) {
      if (this.iterBase + run.iteration < this.maxIterations) this.startLoop();
    }
  }

  stop(): void {
    this.stopsReceived++;
    this.fire('stop');
    if (this.state === 'stopped') this.retire();
  }

  queueSettings(patch: LiveSettingsPatch): void {
    // While paused the patch waits for the next step; nothing is echoed until it is really applied.
    this.pendingPatch = { ...this.pendingPatch, ...patch };
  }

  /** A new mask (or none) from the next iteration; echoed as maskApplied once applied. */
  queueMask(mask: SpatialMask | null): void {
    this.pendingMask = { mask };
  }

  setMaxIterations(n: number): void {
    this.maxIterations = n;
  }
}
