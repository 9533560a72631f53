/**
 * A worker that failed or went silent is replaced, up to MAX_RESTARTS a minute. The preview canvas
 * was transferred to the old worker, so the page remounts a fresh <canvas> (workerGeneration),
 * whose mount connects again and reloads the weights (from the IndexedDB cache). Images and
 * settings live in the store and stay; a run that was going resumes from its last good image once
 * the new worker's weights are in.
 */
import { useStore } from '../store';
import type { StagedCheckpoint } from '../../worker/protocol';
import type { StyleBridge } from './bridge';
import type { WorkerRequests } from './requests';
import { copyPixels, sendStart, type RunInputs } from './sendStart';

/** Restarts allowed within RESTART_WINDOW_MS before the page gives up (a worker that keeps dying). */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export class RestartPolicy {
  private restarts: number[] = [];
  /** Copies of what the current run started from, and its last good state: to resume it. */
  private runInputs: RunInputs | null = null;
  private lastCheckpoint: StagedCheckpoint | null = null;
  /** A run to resume in the next worker once its weights are in (set by restart()). */
  private pendingResume: { inputs: RunInputs; checkpoint: StagedCheckpoint } | null = null;

  constructor(
    private readonly bridge: StyleBridge,
    private readonly requests: WorkerRequests,
  ) {
    bridge.onFailure((reason) => this.restart(reason));
    bridge.subscribe((msg) => {
      if (msg.type === 'checkpoint') this.lastCheckpoint = msg.checkpoint;
      // Subscribed after the weights' store writes, which ask resuming() first.
      if (msg.type === 'weightsLoaded') this.resumeRun();
    });
  }

  /** A new run starts from these pixels (copies are kept: the worker takes the originals). */
  runStarted(content: RunInputs['content'], styles: RunInputs['styles']): void {
    this.runInputs = { content: copyPixels(content), styles: styles.map(copyPixels) };
    this.lastCheckpoint = null;
    this.pendingResume = null;
  }

  /** Whether the next weights to load are a replaced worker's, for a run that goes on. */
  resuming(): boolean {
    return this.pendingResume !== null;
  }

  private restart(reason: string): void {
    this.bridge.close();
    this.requests.abandon();
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const st = useStore.getState();
    const wasRunning = st.run.state === 'running' || st.run.state === 'starting';
    const resume =
      wasRunning && this.runInputs && this.lastCheckpoint
        ? { inputs: this.runInputs, checkpoint: this.lastCheckpoint }
        : null;
    this.pendingResume = null;
    if (this.restarts.length > MAX_RESTARTS) {
      st.resetRun();
      st.setWeights({ status: 'error', message: 'The style worker keeps failing.' });
      st.setError(
        `The style worker failed again (${reason}); it failed ${this.restarts.length} times in a ` +
          'minute, so it was not restarted. Reload the page to try again.',
      );
      return;
    }
    if (resume) {
      this.pendingResume = resume;
      // The chart and counters stay: the run goes on from the checkpoint's iteration.
      st.patchRun({ state: 'starting' });
      st.setError(
        `The style worker failed (${reason}) and was restarted. Your images and settings are kept; ` +
          `the run resumes from iteration ${resume.checkpoint.iteration}, the last good image` +
          (resume.checkpoint.run.optimizer.kind === 'lbfgs'
            ? ' (L-BFGS starts its curvature history afresh).'
            : ", with Adam's moments."),
      );
    } else {
      st.resetRun();
      st.setError(
        `The style worker failed (${reason}) and was restarted. Your images and settings are kept; ` +
          'the run was lost: press Start to run again.',
      );
    }
    st.bumpWorkerGeneration();
  }

  /** Sends the pending resume to the new worker (its weights are loaded now). */
  private resumeRun(): void {
    const resume = this.pendingResume;
    this.pendingResume = null;
    if (!resume) return;
    // The worker takes the buffers; the copies stay here for a further restart.
    const content = copyPixels(resume.inputs.content);
    const styles = resume.inputs.styles.map(copyPixels);
    sendStart(this.bridge, content, styles, { resumeFrom: resume.checkpoint });
  }
}
