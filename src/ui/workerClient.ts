/**
 * The only UI module that talks to the style worker: sends ./protocol messages built from the
 * store, and writes what the worker reports back into the store.
 */
import { blendFor, isRunActive, useStore, type ImageSlot } from './store';
import { bitmapToPixels, saveBytes } from './imagePixels';
import { downloadName, outputSize } from './geometry';
import { liveDiff } from './liveSettings';
import { embedRunRecord } from './history/pngSettings';
import { currentRunRecord } from './history/restore';
import { loadCalibration, saveCalibration } from './calibrationCache';
import { describeSilence, LivenessWatch } from './liveness';
import type {
  DebugAction,
  FromWorker,
  PixelImage,
  StagedCheckpoint,
  ToWorker,
  WeightsRequest,
} from '../worker/protocol';

export type DownloadReply = Extract<FromWorker, { type: 'download' }>;
export type MemoryReport = Omit<
  Extract<FromWorker, { type: 'memoryReport' }>,
  'type' | 'requestId'
>;

/** Restarts allowed within RESTART_WINDOW_MS before the page gives up (a worker that keeps dying). */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

/** The pixels a run started from (the worker takes the buffers it is sent). */
interface RunInputs {
  content: PixelImage;
  styles: PixelImage[];
}

/** Fault injection and leak checks are only reachable when the page was opened with ?debug. */
export function debugEnabled(): boolean {
  return new URLSearchParams(location.search).has('debug');
}

class WorkerClient {
  private worker: Worker | null = null;
  private canvases = new WeakSet<HTMLCanvasElement>();
  private nextRequest = 1;
  private downloads = new Map<
    number,
    { resolve: (r: DownloadReply) => void; reject: (e: Error) => void }
  >();
  private memoryRequests = new Map<number, (r: MemoryReport) => void>();
  private restarts: number[] = [];
  /** Set while the page's own first request for pretrained weights may fall back to the demo. */
  private demoFallback = false;
  /** Declares a worker dead that stopped answering mid-run (no error event comes for that). */
  private watch = new LivenessWatch((silence) =>
    this.restart(`it stopped answering: ${describeSilence(silence)}`),
  );
  /** Copies of what the current run started from, and its last good state: to resume it. */
  private runInputs: RunInputs | null = null;
  private lastCheckpoint: StagedCheckpoint | null = null;
  /** A run to resume in the next worker once its weights are in (set by restart()). */
  private pendingResume: { inputs: RunInputs; checkpoint: StagedCheckpoint } | null = null;

  private send(msg: ToWorker, transfer: Transferable[] = []): void {
    if (!this.worker) throw new Error('The style worker is not running yet');
    this.worker.postMessage(msg, transfer);
  }

  /**
   * Starts the worker with the preview canvas (transferable once per element, hence the guard:
   * React's StrictMode mounts effects twice) and loads the remembered weights.
   */
  connect(canvas: HTMLCanvasElement): void {
    if (this.canvases.has(canvas)) return;
    this.canvases.add(canvas);
    this.worker?.terminate();
    const worker = new Worker(new URL('../worker/styleWorker.ts', import.meta.url), {
      type: 'module',
    });
    this.worker = worker;
    // Messages still queued from a replaced worker are dropped.
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      if (this.worker === worker) this.receive(ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (this.worker === worker) this.restart(ev.message || 'it could not load');
    };
    worker.onmessageerror = () => {
      if (this.worker === worker) this.restart('a message from it could not be read');
    };
    const offscreen = canvas.transferControlToOffscreen();
    const s = useStore.getState();
    const debug = debugEnabled();
    if (debug) installDebugHooks();
    const calibration = loadCalibration();
    s.setCalibration(calibration);
    this.send({ type: 'init', canvas: offscreen, backend: s.backend, debug, calibration }, [
      offscreen,
    ]);
    // No pretrained weights here (none served, none cached, or offline): fall back to the demo
    // ones at once, so a first visit runs without a click (the panel says how to get real ones).
    this.loadWeights(s.weightsChoice === 'demo' ? { kind: 'demo' } : { kind: 'pretrained' });
    this.demoFallback = s.weightsChoice !== 'demo';
    this.watchStore();
  }

  private unwatch: (() => void) | null = null;
  private watchStore(): void {
    this.unwatch?.();
    this.unwatch = useStore.subscribe((s, prev) => {
      if (!this.worker) return;
      if (s.backend !== prev.backend) this.send({ type: 'setBackend', backend: s.backend });
      if (s.maxIterations !== prev.maxIterations && isRunActive(s.run.state)) {
        this.send({ type: 'setMaxIterations', maxIterations: s.maxIterations });
      }
      if (s.settings !== prev.settings && isRunActive(s.run.state)) {
        const patch = liveDiff(prev.settings, s.settings);
        if (patch) this.send({ type: 'updateSettings', patch });
      }
    });
  }

  /**
   * The worker failed or went silent: drop it and start a new one. The preview canvas was
   * transferred to the old worker, so the page remounts a fresh <canvas> (workerGeneration), whose
   * mount connects again and reloads the weights (from the IndexedDB cache). Images and settings
   * live in the store and stay; a run that was going resumes from its last good image once the
   * weights are in (see receive: weightsLoaded).
   */
  private restart(reason: string): void {
    this.watch.stop();
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.downloads.values()) p.reject(new Error('The style worker stopped.'));
    this.downloads.clear();
    this.memoryRequests.clear();
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
    this.sendStart(content, styles, { resumeFrom: resume.checkpoint });
  }

  /**
   * Sends a run's start with the current settings and budget, blend weights for these styles; the
   * images' buffers are transferred (the worker takes them).
   */
  private sendStart(
    content: PixelImage,
    styles: PixelImage[],
    from: { initImage?: PixelImage; startIteration?: number; resumeFrom?: StagedCheckpoint },
  ): void {
    const s = useStore.getState();
    const settings = { ...s.settings, styleBlend: blendFor(styles.length, s.settings.styleBlend) };
    const images = [content, ...styles, ...(from.initImage ? [from.initImage] : [])];
    this.send(
      { type: 'start', content, styles, settings, maxIterations: s.maxIterations, ...from },
      images.map((p) => p.data),
    );
  }

  /** tf.memory() in the worker at rest, between its jobs and steps (leak checks). */
  memory(): Promise<MemoryReport> {
    const id = this.nextRequest++;
    return new Promise((resolve) => {
      this.memoryRequests.set(id, resolve);
      this.send({ type: 'memory', requestId: id });
    });
  }

  debug(action: DebugAction): void {
    this.send({ type: 'debug', action });
  }

  /** The .h5 being converted, if that is what loads: its name goes into an error about it. */
  private h5FileName: string | null = null;

  /**
   * Asks for other weights. While weights are in use they stay (and so does a run on them) until
   * the new ones have loaded and proved to be VGG16; the panel shows the attempt meanwhile.
   */
  loadWeights(source: WeightsRequest, isFallback = false): void {
    // A request of the person's own ends any pending automatic fallback.
    if (!isFallback) this.demoFallback = false;
    const st = useStore.getState();
    this.h5FileName = source.kind === 'h5' ? source.fileName : null;
    const what =
      source.kind === 'h5'
        ? `"${source.fileName}"`
        : source.kind === 'demo'
          ? 'the demo weights'
          : 'the pretrained weights';
    const pending = { what, loaded: 0, total: source.kind === 'h5' ? source.bytes.byteLength : 0 };
    if (st.weights.status === 'ready') {
      st.setWeights({ ...st.weights, pending, problem: undefined });
    } else {
      st.setWeights({ status: 'loading', loaded: 0, total: 0 });
    }
    this.send({ type: 'loadWeights', source }, source.kind === 'h5' ? [source.bytes] : []);
  }

  /**
   * Starts a run; `init` (e.g. a history snapshot) replaces the initial image, cover-cropped.
   * With `fromIteration` the run counts on from there (init is a result kept across a reload).
   */
  start(init?: ImageBitmap, fromIteration?: number): void {
    const s = useStore.getState();
    if (!s.content || !s.style) {
      s.setError('Pick a content image and a style image first.');
      return;
    }
    const size = outputSize(s.content, s.outputLongSide);
    const content = bitmapToPixels(s.content.bitmap, size);
    const initImage = init ? bitmapToPixels(init, size) : undefined;
    // Styles go at their own size: the run crops and scales them (style scale is live).
    const styles = [s.style, ...s.extraStyles].map((img) =>
      bitmapToPixels(img.bitmap, { width: img.bitmap.width, height: img.bitmap.height }),
    );
    // Kept (the worker takes the originals) so a replaced worker can resume this run.
    this.runInputs = { content: copyPixels(content), styles: styles.map(copyPixels) };
    this.lastCheckpoint = null;
    this.pendingResume = null;
    s.setError(null);
    s.beginRun(
      { content: s.content, style: s.style, longSide: s.outputLongSide },
      size,
      s.maxIterations,
      initImage ? fromIteration : undefined,
    );
    this.sendStart(content, styles, {
      initImage,
      startIteration: initImage ? fromIteration : undefined,
    });
  }

  pause(): void {
    // The worker pauses when the step in flight ends; until its state arrives the page says so.
    useStore.getState().patchRun({ pending: 'pausing' });
    this.send({ type: 'pause' });
  }

  /** Measures every backend again (Auto then uses the fastest). */
  calibrate(): void {
    this.send({ type: 'calibrate' });
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
    this.send({ type: 'showResult', image, iteration }, [image.data]);
  }

  /** A new run from the shown kept result, counting on from its iteration (same settings). */
  private async resumeRestored(): Promise<void> {
    const reply = await this.capture();
    const bitmap = await createImageBitmap(new Blob([reply.png], { type: 'image/png' }));
    try {
      this.start(bitmap, reply.iteration);
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
    this.send({ type: 'setMaxIterations', maxIterations: s.maxIterations });
    this.send({ type: 'resume' });
  }

  stop(): void {
    useStore.getState().patchRun({ pending: 'stopping' });
    this.send({ type: 'stop' });
  }

  /**
   * The current image as PNG bytes, with its size and iteration (downloads, history); with
   * stageEnd, the last image of the latest coarse-to-fine stage that ended, at that stage's size.
   */
  capture(opts: { stageEnd?: boolean } = {}): Promise<DownloadReply> {
    const id = this.nextRequest++;
    return new Promise<DownloadReply>((resolve, reject) => {
      this.downloads.set(id, { resolve, reject });
      this.send({ type: 'download', requestId: id, ...(opts.stageEnd ? { stageEnd: true } : {}) });
    });
  }

  /**
   * Asks the worker for the current image as PNG and saves it under a descriptive name, with the
   * run's settings inside (restorable by dropping the file back on the page).
   */
  async download(): Promise<void> {
    const reply = await this.capture();
    const s = useStore.getState();
    const name = downloadName(
      s.content?.name ?? 'content',
      s.style?.name ?? 'style',
      { width: reply.width, height: reply.height },
      reply.iteration,
    );
    const png = embedRunRecord(new Uint8Array(reply.png), currentRunRecord(reply.iteration));
    saveBytes(png.buffer as ArrayBuffer, name, 'image/png');
    // The run's progress up to here is now in a file: leaving the page no longer loses it.
    const run = useStore.getState().run;
    if (reply.iteration > run.keptIteration) s.patchRun({ keptIteration: reply.iteration });
  }

  /** Keeps the run's smoothed ms per iteration as this device's speed (estimates, defaults). */
  private measureSpeed(): void {
    const st = useStore.getState();
    const { avgStepMs, width, height, iteration } = st.run;
    if (avgStepMs <= 0 || !width || !height || iteration < 3) return;
    st.setSpeed({
      msPerIteration: avgStepMs,
      width,
      height,
      backend: st.backendInfo?.backend ?? 'unknown',
      source: 'run',
    });
  }

  private receive(msg: FromWorker): void {
    const st = useStore.getState();
    switch (msg.type) {
      case 'backend':
        st.setBackendInfo({
          backend: msg.backend,
          renderer: msg.renderer,
          warning: msg.warning,
          threads: msg.threads,
          crossOriginIsolated: msg.crossOriginIsolated,
        });
        break;
      case 'calibrating':
        st.setCalibrating({ backend: msg.backend, index: msg.index, count: msg.count });
        break;
      case 'calibrated':
        saveCalibration(msg.calibration);
        st.setCalibration(msg.calibration);
        break;
      case 'weightsProgress':
        if (st.weights.pending) {
          const { what } = st.weights.pending;
          st.setWeights({ ...st.weights, pending: { what, loaded: msg.loaded, total: msg.total } });
        } else {
          st.setWeights({
            status: 'loading',
            phase: msg.phase,
            loaded: msg.loaded,
            total: msg.total,
          });
        }
        break;
      case 'weightsLoaded': {
        const fellBack = this.demoFallback && msg.label === 'demo';
        this.demoFallback = false;
        // The worker dropped any run on the old weights; a run to resume in a replaced worker
        // goes on (resumeRun below).
        if (!this.pendingResume && (isRunActive(st.run.state) || st.run.iteration > 0)) {
          st.resetRun();
          st.setNotice('Other weights are now in use: the run on the previous weights ended.');
        }
        st.setWeights({
          status: 'ready',
          label: msg.label,
          origin: msg.origin,
          bytes: msg.bytes,
          pretrainedMissing: fellBack,
        });
        // A fallback is not a choice: the next visit looks for pretrained weights again.
        if (!fellBack) st.setWeightsChoice(msg.label === 'demo' ? 'demo' : 'pretrained');
        this.resumeRun();
        break;
      }
      case 'weightsError':
        if (this.demoFallback && !msg.inUse) {
          this.loadWeights({ kind: 'demo' }, true);
        } else if (msg.inUse) {
          st.setWeights({
            status: 'ready',
            ...msg.inUse,
            problem: {
              kind: msg.kind,
              message: msg.message,
              ...(this.h5FileName ? { fileName: this.h5FileName } : {}),
            },
          });
        } else {
          st.setWeights({
            status: msg.kind === 'not-found' ? 'missing' : 'error',
            message: msg.message,
            ...(this.h5FileName ? { fileName: this.h5FileName } : {}),
          });
        }
        break;
      case 'state':
        // A run in progress is watched; a paused, finished or stopped one expects nothing.
        if (msg.state === 'running') this.watch.between();
        else if (msg.state === 'starting') this.watch.starting();
        else this.watch.stop();
        st.patchRun({
          state: msg.state,
          pending: null,
          message: msg.message ?? null,
          ...(msg.width ? { width: msg.width, height: msg.height } : {}),
        });
        // A run that ended leaves its speed; the next run's defaults may follow it.
        if (msg.state === 'done' || msg.state === 'stopped') this.measureSpeed();
        break;
      case 'stepStart':
        this.watch.stepStarted(msg.iteration, msg.expectedMs);
        break;
      case 'checkpoint':
        this.lastCheckpoint = msg.checkpoint;
        break;
      case 'iteration':
        if (st.run.state === 'running') this.watch.between();
        st.patchRun({
          iteration: msg.iteration,
          maxIterations: msg.maxIterations,
          losses: msg.losses,
          avgStepMs: msg.avgStepMs,
          stage: msg.stage,
        });
        st.pushLosses(msg.iteration, msg.losses);
        // The first steps carry warm-up (shader compiles, allocations): measure from the third.
        if (msg.iteration === 3) this.measureSpeed();
        break;
      case 'settingsApplied':
        st.patchRun({ applied: msg.settings });
        break;
      case 'error':
        st.setError(`${msg.where}: ${msg.message}`);
        if (msg.where === 'download') {
          for (const p of this.downloads.values()) p.reject(new Error(msg.message));
          this.downloads.clear();
        }
        break;
      case 'download': {
        this.downloads.get(msg.requestId)?.resolve(msg);
        this.downloads.delete(msg.requestId);
        break;
      }
      case 'memoryReport': {
        const { backend, numTensors, numBytes, numBytesInGPU } = msg;
        this.memoryRequests.get(msg.requestId)?.({ backend, numTensors, numBytes, numBytesInGPU });
        this.memoryRequests.delete(msg.requestId);
        break;
      }
    }
  }
}

function copyPixels(p: PixelImage): PixelImage {
  return { width: p.width, height: p.height, data: p.data.slice(0) };
}

export const workerClient = new WorkerClient();

/** What e2e tests reach through window.__styleDebug (only with ?debug in the page URL). */
export interface StyleDebugHooks {
  memory(): Promise<MemoryReport>;
  loseContext(): void;
  crash(): void;
  /** The worker calls close() as its next step starts: it dies without an error event. */
  closeWorker(): void;
  /** The next step's allocation fails as if the backend ran out of memory. */
  failAllocation(): void;
  /** RGBA that Start would build from the slot's image (at that image's own output size). */
  inputPixels(slot: ImageSlot): { width: number; height: number; rgba: number[] } | null;
}

function installDebugHooks(): void {
  const hooks: StyleDebugHooks = {
    memory: () => workerClient.memory(),
    loseContext: () => workerClient.debug('loseContext'),
    crash: () => workerClient.debug('crash'),
    closeWorker: () => workerClient.debug('closeSelf'),
    failAllocation: () => workerClient.debug('failAllocation'),
    inputPixels: (slot) => {
      const s = useStore.getState();
      const img = s[slot];
      if (!img) return null;
      const p = bitmapToPixels(img.bitmap, outputSize(img, s.outputLongSide));
      return { width: p.width, height: p.height, rgba: Array.from(new Uint8Array(p.data)) };
    },
  };
  (window as unknown as { __styleDebug: StyleDebugHooks }).__styleDebug = hooks;
}
