/**
 * The only UI module that talks to the style worker: sends ./protocol messages built from the
 * store, and writes what the worker reports back into the store.
 */
import { isRunActive, useStore, type WeightsChoice } from './store';
import { bitmapToPixels, saveBytes } from './imagePixels';
import { downloadName, outputSize } from './geometry';
import { liveDiff } from './liveSettings';
import type { FromWorker, ToWorker, WeightsRequest } from '../worker/protocol';

type DownloadReply = Extract<FromWorker, { type: 'download' }>;

class WorkerClient {
  private worker: Worker | null = null;
  private canvases = new WeakSet<HTMLCanvasElement>();
  private nextRequest = 1;
  private downloads = new Map<
    number,
    { resolve: (r: DownloadReply) => void; reject: (e: Error) => void }
  >();

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
    worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    worker.onerror = (ev) => {
      useStore.getState().setError(`The style worker failed: ${ev.message || 'could not load'}`);
    };
    const offscreen = canvas.transferControlToOffscreen();
    const s = useStore.getState();
    this.send({ type: 'init', canvas: offscreen, backend: s.backend }, [offscreen]);
    this.loadWeights(s.weightsChoice === 'demo' ? { kind: 'demo' } : { kind: 'pretrained' });
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

  loadWeights(source: WeightsRequest): void {
    const st = useStore.getState();
    st.setWeights({ status: 'loading', loaded: 0, total: 0 });
    st.resetRun();
    const choice: WeightsChoice = source.kind === 'demo' ? 'demo' : 'pretrained';
    st.setWeightsChoice(choice);
    this.send({ type: 'loadWeights', source }, source.kind === 'h5' ? [source.bytes] : []);
  }

  start(): void {
    const s = useStore.getState();
    if (!s.content || !s.style) {
      s.setError('Pick a content image and a style image first.');
      return;
    }
    const size = outputSize(s.content, s.outputLongSide);
    const content = bitmapToPixels(s.content.bitmap, size);
    const style = bitmapToPixels(s.style.bitmap, size);
    s.setError(null);
    s.resetRun();
    s.patchRun({
      state: 'starting',
      maxIterations: s.maxIterations,
      width: size.width,
      height: size.height,
    });
    this.send(
      { type: 'start', content, style, settings: s.settings, maxIterations: s.maxIterations },
      [content.data, style.data],
    );
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    const s = useStore.getState();
    // A finished run may continue when the budget was raised since.
    this.send({ type: 'setMaxIterations', maxIterations: s.maxIterations });
    this.send({ type: 'resume' });
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Asks the worker for the current image as PNG and saves it under a descriptive name. */
  async download(): Promise<void> {
    const id = this.nextRequest++;
    const reply = await new Promise<DownloadReply>((resolve, reject) => {
      this.downloads.set(id, { resolve, reject });
      this.send({ type: 'download', requestId: id });
    });
    const s = useStore.getState();
    const name = downloadName(
      s.content?.name ?? 'content',
      s.style?.name ?? 'style',
      { width: reply.width, height: reply.height },
      reply.iteration,
    );
    saveBytes(reply.png, name, 'image/png');
  }

  private receive(msg: FromWorker): void {
    const st = useStore.getState();
    switch (msg.type) {
      case 'backend':
        st.setBackendInfo({ backend: msg.backend, renderer: msg.renderer, warning: msg.warning });
        break;
      case 'weightsProgress':
        st.setWeights({
          status: 'loading',
          phase: msg.phase,
          loaded: msg.loaded,
          total: msg.total,
        });
        break;
      case 'weightsLoaded':
        st.setWeights({ status: 'ready', label: msg.label, origin: msg.origin, bytes: msg.bytes });
        break;
      case 'weightsError':
        st.setWeights({
          status: msg.kind === 'not-found' ? 'missing' : 'error',
          message: msg.message,
        });
        break;
      case 'state':
        st.patchRun({
          state: msg.state,
          message: msg.message ?? null,
          ...(msg.width ? { width: msg.width, height: msg.height } : {}),
        });
        break;
      case 'iteration':
        st.patchRun({
          iteration: msg.iteration,
          maxIterations: msg.maxIterations,
          losses: msg.losses,
          avgStepMs: msg.avgStepMs,
        });
        st.pushLosses(msg.iteration, msg.losses);
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
    }
  }
}

export const workerClient = new WorkerClient();
