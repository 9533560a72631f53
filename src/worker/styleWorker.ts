/**
 * The style worker: owns tfjs, the weights and the run loop, and draws every iteration on the
 * page's transferred preview canvas. Messages follow ./protocol.ts.
 *
 * Control messages (pause, resume, stop, live settings) act at once: the loop yields to the event
 * loop after every step, so they land between steps. Heavier requests (backend, weights, start,
 * download) go through a serial queue so they never interleave with each other.
 */
import * as tf from '@tensorflow/tfjs';
import { StyleTransferRun } from '../engine/run';
import { resizeToCover } from '../engine/preprocess';
import type { StyleSettings } from '../engine/settings';
import { loadWeights, WeightsFormatError, WeightsNotFoundError } from '../model/loader';
import {
  disposeWeights,
  toTensors,
  type RawVgg16Weights,
  type Vgg16Weights,
} from '../model/weights';
import { activateBackend } from './backend';
import { allFinite, pixelsToTensor, tensorToImageData } from './pixels';
import type {
  BackendChoice,
  FromWorker,
  LiveSettingsPatch,
  LossReport,
  RunState,
  ToWorker,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---- worker state ----
let preview: OffscreenCanvasRenderingContext2D | null = null;
let previewCanvas: OffscreenCanvas | null = null;
let backendChoice: BackendChoice = 'auto';
let rawWeights: RawVgg16Weights | null = null;
let weights: Vgg16Weights | null = null;
let run: StyleTransferRun | null = null;
let runSettings: StyleSettings | null = null;
/** The last image whose losses were finite: what is shown, downloaded and restored after a NaN. */
let lastImage: tf.Tensor3D | null = null;
/** The iteration that produced lastImage (a withheld non-finite step does not count). */
let lastImageIteration = 0;
let state: RunState = 'idle';
let maxIterations = 100;
let pendingPatch: LiveSettingsPatch | null = null;
/** Bumped whenever a run is replaced, so a loop of an older run stops at its next tick. */
let runToken = 0;
let avgStepMs = 0;

function setState(next: RunState, message?: string): void {
  state = next;
  const [height, width] = lastImage?.shape ?? [];
  post({ type: 'state', state: next, width, height, message });
}

/**
 * Resolves once the worker had a rendering opportunity (or after 100 ms if frames are throttled).
 * The transferred canvas only shows what was drawn when the worker reaches its next animation
 * frame: without this wait a long synchronous step would start first and the page would show a
 * stale (even blank) preview. Messages queued meanwhile (pause, sliders) are handled here too.
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

function draw(img: tf.Tensor3D): void {
  if (!preview || !previewCanvas) return;
  const [h, w] = img.shape;
  if (previewCanvas.width !== w || previewCanvas.height !== h) {
    previewCanvas.width = w;
    previewCanvas.height = h;
  }
  preview.putImageData(tensorToImageData(img), 0, 0);
}

function disposeRun(): void {
  runToken++;
  run?.dispose();
  run = null;
  lastImage?.dispose();
  lastImage = null;
  runSettings = null;
  pendingPatch = null;
}

function lossReport(
  l: {
    total: number;
    content: number;
    style: number;
    tv: number;
    styleLayers: LossReport['styleLayers'];
  },
  s: StyleSettings,
): LossReport {
  return {
    ...l,
    weightedContent: s.alpha * l.content,
    weightedStyle: s.beta * l.style,
    weightedTv: s.tvWeight * l.tv,
  };
}

function applyPendingPatch(iteration: number): void {
  if (!pendingPatch || !run || !runSettings) return;
  const patch = pendingPatch;
  pendingPatch = null;
  try {
    run.updateSettings(patch);
  } catch (e) {
    // The engine changed nothing: say why and keep going with the settings in force.
    post({ type: 'error', where: 'step', message: `Setting not applied: ${messageOf(e)}` });
    return;
  }
  runSettings = { ...runSettings, ...patch };
  post({ type: 'settingsApplied', iteration, settings: runSettings });
}

async function loop(token: number): Promise<void> {
  for (;;) {
    await nextFrame();
    if (token !== runToken || state !== 'running' || !run || !runSettings) return;
    if (run.iteration >= maxIterations) {
      setState('done');
      return;
    }
    applyPendingPatch(run.iteration + 1);
    const t0 = performance.now();
    let result;
    try {
      result = run.step();
    } catch (e) {
      post({
        type: 'error',
        where: 'step',
        message: `Iteration ${run.iteration + 1} failed: ${messageOf(e)}`,
      });
      setState('paused', 'Paused after an error in a step.');
      return;
    }
    const stepMs = performance.now() - t0;
    const l = result.losses;
    if (
      !allFinite([l.total, l.content, l.style, l.tv]) ||
      !allFinite(Object.values(l.styleLayers))
    ) {
      result.image.dispose();
      if (lastImage) run.setImage(lastImage);
      setState(
        'paused',
        `The loss became ${l.total} at iteration ${result.iteration}: paused and kept the last finite image. ` +
          'Lower the learning rate or the weights, then resume.',
      );
      return;
    }
    lastImage?.dispose();
    lastImage = result.image;
    lastImageIteration = result.iteration;
    draw(lastImage);
    avgStepMs = avgStepMs === 0 ? stepMs : 0.7 * avgStepMs + 0.3 * stepMs;
    post({
      type: 'iteration',
      iteration: result.iteration,
      maxIterations,
      losses: lossReport(l, runSettings),
      stepMs,
      avgStepMs,
    });
  }
}

function startLoop(): void {
  // A new token retires a loop still parked at its tick (pause then quick resume): never two loops.
  runToken++;
  setState('running');
  void loop(runToken);
}

// ---- queued requests ----

async function setBackend(choice: BackendChoice): Promise<void> {
  backendChoice = choice;
  const wasActive = run !== null;
  disposeRun();
  if (weights) disposeWeights(weights);
  weights = null;
  try {
    const pick = await activateBackend(choice);
    post({ type: 'backend', requested: choice, ...pick });
  } catch (e) {
    post({ type: 'error', where: 'backend', message: messageOf(e) });
    return;
  }
  // Tensors belong to a backend: rebuild the weights on the new one from the raw arrays.
  if (rawWeights) weights = toTensors(rawWeights);
  if (wasActive) setState('stopped', 'The run stopped because the backend changed.');
}

async function loadWeightsRequest(msg: Extract<ToWorker, { type: 'loadWeights' }>): Promise<void> {
  try {
    const baseUrl = new URL(import.meta.env.BASE_URL + 'models/', self.location.origin);
    const loaded = await loadWeights(msg.source, {
      baseUrl,
      onProgress: (p) => post({ type: 'weightsProgress', ...p }),
    });
    disposeRun();
    if (weights) disposeWeights(weights);
    rawWeights = loaded.raw;
    weights = toTensors(rawWeights);
    if (state !== 'idle') setState('idle');
    post({
      type: 'weightsLoaded',
      label: loaded.label,
      origin: loaded.origin,
      bytes: loaded.bytes,
    });
  } catch (e) {
    const kind =
      e instanceof WeightsNotFoundError
        ? 'not-found'
        : e instanceof WeightsFormatError
          ? 'format'
          : 'other';
    post({ type: 'weightsError', kind, message: messageOf(e) });
  }
}

function start(msg: Extract<ToWorker, { type: 'start' }>): void {
  if (!weights) {
    post({ type: 'error', where: 'start', message: 'Load weights before starting a run.' });
    return;
  }
  disposeRun();
  maxIterations = msg.maxIterations;
  avgStepMs = 0;
  setState('starting');
  try {
    const content = pixelsToTensor(msg.content);
    const styleRaw = pixelsToTensor(msg.style);
    const [h, w] = content.shape;
    // The page already cover-crops the style to the content's size; this only guards the contract.
    const style =
      styleRaw.shape[0] === h && styleRaw.shape[1] === w ? styleRaw : resizeToCover(styleRaw, h, w);
    if (style !== styleRaw) styleRaw.dispose();
    try {
      run = new StyleTransferRun(weights, content, style, msg.settings);
    } finally {
      content.dispose();
      style.dispose();
    }
    runSettings = { ...msg.settings };
    lastImage = run.currentImage();
    lastImageIteration = 0;
    draw(lastImage);
  } catch (e) {
    disposeRun();
    post({ type: 'error', where: 'start', message: messageOf(e) });
    setState('idle');
    return;
  }
  post({ type: 'settingsApplied', iteration: 0, settings: runSettings });
  startLoop();
}

async function download(requestId: number): Promise<void> {
  if (!lastImage) {
    post({ type: 'error', where: 'download', message: 'There is no image to download yet.' });
    return;
  }
  try {
    const [h, w] = lastImage.shape;
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D context on an OffscreenCanvas');
    ctx.putImageData(tensorToImageData(lastImage), 0, 0);
    const iteration = lastImageIteration;
    const png = await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer();
    post({ type: 'download', requestId, width: w, height: h, iteration, png }, [png]);
  } catch (e) {
    post({ type: 'error', where: 'download', message: messageOf(e) });
  }
}

let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void> | void): void {
  queue = queue
    .then(job)
    .catch((e) => post({ type: 'error', where: 'protocol', message: messageOf(e) }));
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'init':
      previewCanvas = msg.canvas;
      preview = msg.canvas.getContext('2d');
      enqueue(() => setBackend(msg.backend));
      break;
    case 'setBackend':
      if (msg.backend !== backendChoice || !tf.getBackend()) enqueue(() => setBackend(msg.backend));
      break;
    case 'loadWeights':
      enqueue(() => loadWeightsRequest(msg));
      break;
    case 'start':
      enqueue(() => start(msg));
      break;
    case 'download':
      enqueue(() => download(msg.requestId));
      break;
    case 'pause':
      if (state === 'running') setState('paused');
      break;
    case 'resume':
      if ((state === 'paused' || state === 'done') && run && run.iteration < maxIterations)
        startLoop();
      break;
    case 'stop':
      if (state === 'running' || state === 'paused' || state === 'starting') {
        runToken++;
        setState('stopped');
      }
      break;
    case 'updateSettings':
      pendingPatch = { ...pendingPatch, ...msg.patch };
      // While paused the patch waits for the next step; echo nothing until it is really applied.
      break;
    case 'setMaxIterations':
      maxIterations = msg.maxIterations;
      break;
    default: {
      const never: never = msg;
      post({
        type: 'error',
        where: 'protocol',
        message: `Unknown message ${JSON.stringify(never)}`,
      });
    }
  }
};

scope.onerror = (ev) => {
  post({ type: 'error', where: 'protocol', message: String(ev) });
};
scope.onunhandledrejection = (ev) => {
  post({ type: 'error', where: 'protocol', message: messageOf(ev.reason) });
};
