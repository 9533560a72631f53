/**
 * The page's style worker client: the typed bridge (./client/bridge.ts) with its policies, each a
 * module of its own that subscribes to the bridge: store writes (./client/storeSync), weights and
 * the demo fallback (./client/weightsPolicy), liveness (./client/livenessPolicy), restart and
 * resume (./client/restartPolicy), the calibration cache (./client/calibrationPolicy), the cost
 * model's run timings and the size limit (./client/planPolicy), replies by request id (./client/requests), PNG embedding
 * (./client/pngDownload); debug hooks (./client/debugHooks) load only with ?debug.
 * This module sends the person's commands (start, pause, ...), built from the store.
 */
import { useStore } from './store';
import { bitmapToPixels } from './imagePixels';
import { outputSize } from './geometry';
import type { DebugAction, WeightsRequest } from '../worker/protocol';
import { StyleBridge } from './client/bridge';
import { cachedCalibration } from './client/calibrationPolicy';
import { watchLiveness } from './client/livenessPolicy';
import { savePng } from './client/pngDownload';
import { WorkerRequests, type DownloadReply, type MemoryReport } from './client/requests';
import { RestartPolicy } from './client/restartPolicy';
import { sendStart } from './client/sendStart';
import { PlanPolicy } from './client/planPolicy';
import { currentPlan, deepestOf } from './cost/pagePlan';
import { sizeRefusal } from './cost/sizeRefusal';
import { followStore, writeReports } from './client/storeSync';
import { WeightsPolicy } from './client/weightsPolicy';

export type { DownloadReply, MemoryReport };
export type { StyleDebugHooks } from './client/debugHooks';

/** Fault injection and leak checks are only reachable when the page was opened with ?debug. */
export function debugEnabled(): boolean {
  return new URLSearchParams(location.search).has('debug');
}

class WorkerClient {
  private readonly bridge = new StyleBridge();
  private canvases = new WeakSet<HTMLCanvasElement>();
  private unwatch: (() => void) | null = null;
  // Subscription order is the order each message is handled in: the store writes come before the
  // policies that read what they wrote (weights before the resume they may keep, speed last).
  private readonly requests = new WorkerRequests(this.bridge);
  private readonly restarts: RestartPolicy;
  private readonly weights: WeightsPolicy;
  private readonly plan: PlanPolicy;
  private unwatchPlan: (() => void) | null = null;

  constructor() {
    watchLiveness(this.bridge);
    writeReports(this.bridge);
    this.weights = new WeightsPolicy(this.bridge, () => this.restarts.resuming());
    this.restarts = new RestartPolicy(this.bridge, this.requests);
    this.plan = new PlanPolicy(this.bridge);
  }

  /**
   * Starts the worker with the preview canvas (transferable once per element, hence the guard:
   * React's StrictMode mounts effects twice) and loads the remembered weights.
   */
  connect(canvas: HTMLCanvasElement): void {
    if (this.canvases.has(canvas)) return;
    this.canvases.add(canvas);
    this.bridge.open();
    const offscreen = canvas.transferControlToOffscreen();
    const s = useStore.getState();
    const debug = debugEnabled();
    if (debug) void import('./client/debugHooks').then((m) => m.installDebugHooks(this));
    const calibration = cachedCalibration();
    this.bridge.send({ type: 'init', canvas: offscreen, backend: s.backend, debug, calibration }, [
      offscreen,
    ]);
    this.weights.loadRemembered();
    this.unwatch?.();
    this.unwatch = followStore(this.bridge);
    this.unwatchPlan?.();
    this.unwatchPlan = this.plan.followStore();
  }

  /** tf.memory() in the worker at rest, between its jobs and steps (leak checks). */
  memory(): Promise<MemoryReport> {
    return this.requests.memory();
  }

  debug(action: DebugAction): void {
    this.bridge.send({ type: 'debug', action });
  }

  /**
   * Asks for other weights. While weights are in use they stay (and so does a run on them) until
   * the new ones have loaded and proved to be VGG16; the panel shows the attempt meanwhile.
   */
  loadWeights(source: WeightsRequest): void {
    this.weights.load(source);
  }

  /**
   * Starts a run; `init` (e.g. a history snapshot) replaces the initial image, cover-cropped.
   * With `fromIteration` the run counts on from there (init is a result kept across a reload).
   */
  start(init?: ImageBitmap, fromIteration?: number, at?: { longSide: number }): void {
    const s = useStore.getState();
    if (!s.content || !s.style) {
      s.setError('Pick a content image and a style image first.');
      return;
    }
    // A kept result resumes at its own size, in one stage (its coarse stages are long done).
    const longSide = at?.longSide ?? s.outputLongSide;
    const size = outputSize(s.content, longSide);
    const plan = currentPlan(at ? { outputLongSide: longSide, multiscale: false } : undefined);
    // Refused here, next to the size field, before anything of the run on screen is dropped.
    const refusal = sizeRefusal(s, plan.backend, longSide, size);
    s.setSizeRefusal(refusal);
    if (refusal) return;
    const content = bitmapToPixels(s.content.bitmap, size);
    const initImage = init ? bitmapToPixels(init, size) : undefined;
    // Styles go at their own size: the run crops and scales them (style scale is live).
    const styles = [s.style, ...s.extraStyles].map((img) =>
      bitmapToPixels(img.bitmap, { width: img.bitmap.width, height: img.bitmap.height }),
    );
    // Kept (the worker takes the originals) so a replaced worker can resume this run.
    this.restarts.runStarted(content, styles);
    s.setError(null);
    s.beginRun(
      { content: s.content, style: s.style, longSide },
      size,
      s.maxIterations,
      initImage ? fromIteration : undefined,
    );
    this.plan.runStarted(plan.backend, deepestOf(s.settings));
    useStore.getState().patchRun({ plan: plan.plan, backend: plan.backend });
    sendStart(this.bridge, content, styles, {
      initImage,
      startIteration: initImage ? fromIteration : undefined,
      backend: plan.backend,
      multiscale: plan.plan.multiscale,
    });
  }

  /**
   * Whether Start would refuse the size in the field (said next to it, and the focus goes there);
   * nothing of the run on screen is touched.
   */
  refuseSize(): boolean {
    const s = useStore.getState();
    if (!s.content) return false;
    const size = outputSize(s.content, s.outputLongSide);
    const refusal = sizeRefusal(s, currentPlan().backend, s.outputLongSide, size);
    s.setSizeRefusal(refusal);
    return refusal !== null;
  }

  pause(): void {
    // The worker pauses when the step in flight ends; until its state arrives the page says so.
    useStore.getState().patchRun({ pending: 'pausing' });
    this.bridge.send({ type: 'pause' });
  }

  /**
   * Shows a result kept from before a reload (`bitmap`, drawn at the output size it was made at)
   * as a stopped run at `iteration`, whose progress is already kept.
   */
  showResult(bitmap: ImageBitmap, iteration: number): void {
    const size = { width: bitmap.width, height: bitmap.height };
    const image = bitmapToPixels(bitmap, size);
    const st = useStore.getState();
    st.patchRun({
      iteration,
      maxIterations: st.maxIterations,
      width: size.width,
      height: size.height,
      restored: true,
      keptIteration: iteration,
    });
    this.bridge.send({ type: 'showResult', image, iteration }, [image.data]);
  }

  /** A new run from the shown kept result, counting on from its iteration (same settings). */
  private async resumeRestored(): Promise<void> {
    const reply = await this.capture();
    const bitmap = await createImageBitmap(new Blob([reply.png], { type: 'image/png' }));
    try {
      this.start(bitmap, reply.iteration, { longSide: Math.max(reply.width, reply.height) });
    } finally {
      bitmap.close();
    }
  }

  resume(): void {
    const s = useStore.getState();
    if (s.run.restored) {
      this.resumeRestored().catch((e: unknown) => s.setError(`Resume: ${String(e)}`));
      return;
    }
    // A finished run may continue when the budget was raised since.
    this.bridge.send({ type: 'setMaxIterations', maxIterations: s.maxIterations });
    this.bridge.send({ type: 'resume' });
  }

  stop(): void {
    useStore.getState().patchRun({ pending: 'stopping' });
    this.bridge.send({ type: 'stop' });
  }

  /**
   * The current image as PNG bytes, with its size and iteration (downloads, history); with
   * stageEnd, the last image of the latest coarse-to-fine stage that ended, at that stage's size.
   */
  capture(opts: { stageEnd?: boolean } = {}): Promise<DownloadReply> {
    return this.requests.capture(opts);
  }

  /** Saves the current image as a PNG with the run's settings inside. */
  async download(): Promise<void> {
    savePng(await this.capture());
  }
}

/** The page's one client (module state: there is one style worker per page). */
export const workerClient = new WorkerClient();
