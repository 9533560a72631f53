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
import { contextLost, loseContextForTest, replaceWebglBackend } from './webglRecovery';
import { runBenchRequest } from './bench';
import { allFinite, pixelsToTensor, saturatedFraction, tensorToImageData } from './pixels';
import type {
  BackendChoice,
  FromWorker,
  LiveSettingsPatch,
  LossReport,
  PixelImage,
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
/** The run's inputs, CPU-side: a lost WebGL context takes every tensor with it. */
let runInputs: { content: PixelImage; style: PixelImage } | null = null;
/** lastImage as CPU pixels (RGB float 0..255), for the same reason. */
let lastGood: { height: number; width: number; rgb: Float32Array } | null = null;
/** Iterations done before the run was rebuilt after a context loss (the engine restarts at 0). */
let iterBase = 0;
let debugEnabled = false;
/** Total loss of the previous accepted step under the same settings (null after a change). */
let prevTotal: number | null = null;
/** A step whose loss exceeds the previous one this many times is treated as diverging. */
const DIVERGENCE_FACTOR = 10;

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
  runInputs = null;
  lastGood = null;
  iterBase = 0;
  prevTotal = null;
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
  // New weights or layers change the loss's scale, so a jump is no sign of divergence then; a new
  // learning rate or optimiser does not, and the step right after one is exactly what to check.
  if (Object.keys(patch).some((k) => k !== 'learningRate' && k !== 'optimizer')) prevTotal = null;
  post({ type: 'settingsApplied', iteration, settings: runSettings });
}

async function loop(token: number): Promise<void> {
  for (;;) {
    await nextFrame();
    if (token !== runToken || state !== 'running' || !run || !runSettings) return;
    if (iterBase + run.iteration >= maxIterations) {
      setState('done');
      return;
    }
    applyPendingPatch(iterBase + run.iteration + 1);
    const t0 = performance.now();
    let result;
    try {
      result = run.step();
    } catch (e) {
      if (contextLost()) {
        enqueue(() => recoverFromContextLoss(token));
        return;
      }
      post({
        type: 'error',
        where: 'step',
        message: `Iteration ${iterBase + run.iteration + 1} failed: ${messageOf(e)}`,
      });
      setState('paused', 'Paused after an error in a step.');
      return;
    }
    const stepMs = performance.now() - t0;
    if (contextLost()) {
      // The step ran on a dead context: its numbers are zeros, not results.
      result.image.dispose();
      enqueue(() => recoverFromContextLoss(token));
      return;
    }
    const l = result.losses;
    if (
      !allFinite([l.total, l.content, l.style, l.tv]) ||
      !allFinite(Object.values(l.styleLayers))
    ) {
      result.image.dispose();
      if (lastImage) run.setImage(lastImage);
      setState(
        'paused',
        `The loss became ${l.total} at iteration ${iterBase + result.iteration}: paused and kept the last finite image. ` +
          'Lower the learning rate or the weights, then resume.',
      );
      return;
    }
    // Pixels are clipped, so an absurd learning rate saturates the image instead of reaching NaN
    // (and with random weights the loss may even fall). Two signs of that failure: the loss jumps
    // tenfold in one step under unchanged weights, or the image snaps to the clip bounds at once.
    const jumped = prevTotal !== null && l.total > DIVERGENCE_FACTOR * prevTotal;
    const snapped =
      lastGood !== null &&
      saturatedFraction(result.image.dataSync()) > 0.9 &&
      saturatedFraction(lastGood.rgb) < 0.5;
    if (jumped || snapped) {
      const lr = runSettings.learningRate;
      const what = jumped
        ? `The loss jumped from ${prevTotal!.toPrecision(3)} to ${l.total.toPrecision(3)}`
        : 'The image saturated to pure colours in one step';
      result.image.dispose();
      if (lastImage) run.setImage(lastImage);
      setState(
        'paused',
        `${what} at iteration ${iterBase + result.iteration} (learning rate ${lr}): paused and ` +
          'kept the last good image. Lower the learning rate, then resume.',
      );
      prevTotal = null;
      return;
    }
    prevTotal = l.total;
    lastImage?.dispose();
    lastImage = result.image;
    lastImageIteration = iterBase + result.iteration;
    draw(lastImage);
    keepPixels(lastImage);
    avgStepMs = avgStepMs === 0 ? stepMs : 0.7 * avgStepMs + 0.3 * stepMs;
    post({
      type: 'iteration',
      iteration: iterBase + result.iteration,
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
    runInputs = { content: msg.content, style: msg.style };
    lastImage = run.currentImage();
    lastImageIteration = 0;
    draw(lastImage);
    keepPixels(lastImage);
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

/** A bench request (npm run bench): the worker's weights and its own draw, no run in progress. */
async function bench(msg: Extract<ToWorker, { type: 'bench' }>): Promise<void> {
  try {
    if (!weights) throw new Error('Load weights before benchmarking.');
    if (state === 'running' || state === 'starting') throw new Error('Stop the run first.');
    const result = await runBenchRequest(weights, msg.request, draw);
    post({ type: 'benchResult', requestId: msg.requestId, result, error: null });
  } catch (e) {
    post({ type: 'benchResult', requestId: msg.requestId, result: null, error: messageOf(e) });
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
      debugEnabled = msg.debug === true;
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
    case 'bench':
      enqueue(() => bench(msg));
      break;
    case 'pause':
      if (state === 'running') setState('paused');
      break;
    case 'resume':
      if (
        (state === 'paused' || state === 'done') &&
        run &&
        iterBase + run.iteration < maxIterations
      )
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
    case 'memory':
      post({ type: 'memoryReport', requestId: msg.requestId, ...memoryReport() });
      break;
    case 'debug':
      debugAction(msg.action);
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

/** Keeps lastImage as CPU pixels (a second read is free: the draw already synced it). */
function keepPixels(img: tf.Tensor3D): void {
  const [height, width] = img.shape;
  lastGood = { height, width, rgb: new Float32Array(img.dataSync()) };
}

/**
 * After the WebGL context was lost mid-run: a fresh webgl backend, the weights again from their raw
 * arrays, and a new run from the CPU copies of the inputs and of the last good image. It resumes
 * (counting on from that image's iteration) unless the run was stopped meanwhile.
 */
async function recoverFromContextLoss(token: number): Promise<void> {
  const settings = runSettings;
  const inputs = runInputs;
  const good = lastGood;
  const lostAt = lastImageIteration;
  if (!rawWeights || !settings || !inputs || !good) return;
  // Tensors of the lost context cannot be read; dispose them only to clear tfjs' bookkeeping.
  for (const free of [
    () => run?.dispose(),
    () => lastImage?.dispose(),
    () => weights && disposeWeights(weights),
  ]) {
    try {
      free();
    } catch {
      // Already unusable: nothing else to release.
    }
  }
  run = null;
  lastImage = null;
  weights = null;
  try {
    replaceWebglBackend();
    const pick = await activateBackend(backendChoice);
    post({ type: 'backend', requested: backendChoice, ...pick });
    weights = toTensors(rawWeights);
    const content = pixelsToTensor(inputs.content);
    const style = pixelsToTensor(inputs.style);
    const image = tf.tensor3d(good.rgb, [good.height, good.width, 3]);
    try {
      run = new StyleTransferRun(weights, content, style, settings);
      run.setImage(image);
    } finally {
      content.dispose();
      style.dispose();
      image.dispose();
    }
    iterBase = lostAt;
    lastImage = run.currentImage();
    draw(lastImage);
  } catch (e) {
    post({
      type: 'error',
      where: 'backend',
      message: `The WebGL context was lost and the backend could not be rebuilt: ${messageOf(e)}`,
    });
    setState('stopped', 'Stopped after the WebGL context was lost.');
    return;
  }
  const note = `The WebGL context was lost at iteration ${lostAt + 1}; rebuilt the backend and resumed from iteration ${lostAt}.`;
  if (token === runToken && state === 'running') {
    runToken++;
    setState('running', note);
    void loop(runToken);
  } else {
    post({ type: 'error', where: 'step', message: note });
  }
}

function memoryReport(): {
  backend: string;
  numTensors: number;
  numBytes: number;
  numBytesInGPU: number | null;
} {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return {
    backend: tf.getBackend(),
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    numBytesInGPU: m.numBytesInGPU ?? null,
  };
}

function debugAction(action: 'loseContext' | 'crash'): void {
  if (!debugEnabled) {
    post({
      type: 'error',
      where: 'protocol',
      message: 'Debug messages need the page opened with ?debug.',
    });
    return;
  }
  if (action === 'loseContext') {
    if (!loseContextForTest()) {
      post({
        type: 'error',
        where: 'protocol',
        message: 'No WebGL context to lose (backend is not webgl).',
      });
    }
    return;
  }
  // Thrown from a timer so nothing catches it: the page sees the worker fail as it would for real.
  setTimeout(() => {
    throw new Error('Crash requested through the debug hook');
  });
}

// A blocked load or eval in the worker would otherwise only reach the devtools console.
scope.addEventListener('securitypolicyviolation', (e) => {
  const ev = e as SecurityPolicyViolationEvent;
  post({
    type: 'error',
    where: 'protocol',
    message: `Content-Security-Policy blocked ${ev.blockedURI || 'something'} (${ev.violatedDirective})`,
  });
});

scope.onerror = (ev) => {
  post({ type: 'error', where: 'protocol', message: String(ev) });
};
scope.onunhandledrejection = (ev) => {
  post({ type: 'error', where: 'protocol', message: messageOf(ev.reason) });
};
