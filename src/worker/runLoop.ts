/**
 * The run: start, the step loop that draws every iteration on the transferred preview canvas,
 * pause / resume / stop, live settings, the divergence guard, and the PNG download.
 *
 * Steps are async (their readbacks are), so messages land between and during them. Control
 * messages only set flags the loop reads after the step in flight; anything that replaces or
 * frees the run first waits for that step with settle().
 */
import * as tf from '@tensorflow/tfjs';
import type { StepResult } from '../engine/run';
import { freeHeldReads, readHolding } from '../engine/heldReads';
import { formatBytes, isOutOfMemoryError } from '../engine/memoryEstimate';
import { sizeAfterOutOfMemory } from '../engine/outOfMemory';
import type { StyleSettings } from '../engine/settings';
import {
  StagedRun,
  type StagedCheckpoint,
  type StagedStepResult,
  type StageInfo,
} from '../engine/stages';
import { memoryModelFor, refuseIfTooLarge } from './memoryCheck';
import { post, scope, shared } from './context';
import { messageOf } from './errors';
import { contextLost, whenContextLost } from './webglRecovery';
import { allFinite, pixelsToTensor, rgbToImageData, saturatedFraction } from './pixels';
import { drawPreview } from './preview';
import type {
  LiveSettingsPatch,
  LossReport,
  PixelImage,
  RunState,
  StageReport,
  ToWorker,
} from './protocol';

/** A step whose loss exceeds the previous one this many times is treated as diverging. */
const DIVERGENCE_FACTOR = 10;

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

let run: StagedRun | null = null;
let runSettings: StyleSettings | null = null;
/** The run's inputs, CPU-side: a lost WebGL context takes every tensor with it. */
let runInputs: { content: PixelImage; styles: PixelImage[] } | null = null;
let lastGood: GoodImage | null = null;
/**
 * The last image of the latest stage that ended (coarse-to-fine), at its stage's size. Kept across
 * runs: the page's history may ask for it after a restart, for the run it belongs to.
 */
let stageEndImage: GoodImage | null = null;
/**
 * The run's state at lastGood (stage, iteration, image in the run's colours, optimiser state):
 * what a rebuilt run restores after a lost context and, L-BFGS' pairs left out, what the page keeps
 * to resume the run in a new worker.
 */
let engineState: StagedCheckpoint | null = null;
/** Debug hooks (e2e): close the worker as the next step starts; fail the next step's allocation. */
const debugFaults = { closeAtNextStep: false, failNextAllocation: false };

export function injectFault(fault: 'closeSelf' | 'failAllocation'): void {
  if (fault === 'closeSelf') debugFaults.closeAtNextStep = true;
  else debugFaults.failNextAllocation = true;
}
/** Iterations done before the run was rebuilt after a fault (the engine restarts at 0). */
let iterBase = 0;
let state: RunState = 'idle';
let maxIterations = 100;
let pendingPatch: LiveSettingsPatch | null = null;
/** Bumped whenever a loop must end (new run, stop, pause), so an older loop stops at its next tick. */
let runToken = 0;
let avgStepMs = 0;
/** Total loss of the previous accepted step under the same settings (null after a change). */
let prevTotal: number | null = null;
/** The step in flight, if any: settle() waits for it. */
let stepping: Promise<unknown> | null = null;
/** A state the page asked for while a step was in flight, posted once that step has ended. */
let deferredState: RunState | null = null;

let onContextLost: (token: number) => void = () => {};

/** Fault recovery registers itself here (the loop detects the loss; recovery rebuilds). */
export function setContextLostHandler(handler: (token: number) => void): void {
  onContextLost = handler;
}

export function runState(): RunState {
  return state;
}

export function setState(next: RunState, message?: string): void {
  state = next;
  post({ type: 'state', state: next, width: lastGood?.width, height: lastGood?.height, message });
}

/** Waits for the step in flight (if any) to end; the run's tensors are then safe to free. */
export async function settle(): Promise<void> {
  while (stepping) await stepping.catch(() => {});
}

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

export function draw(good: { width: number; height: number; rgb: ArrayLike<number> }): void {
  drawPreview(shared.preview, good);
}

/** Frees the run (waiting for its step in flight) and forgets everything about it. */
export async function disposeRun(): Promise<void> {
  runToken++;
  await settle();
  run?.dispose();
  run = null;
  runSettings = null;
  pendingPatch = null;
  runInputs = null;
  lastGood = null;
  engineState = null;
  iterBase = 0;
  prevTotal = null;
  deferredState = null;
}

function stageReport(st: StageInfo, ended: boolean): StageReport {
  return {
    number: st.index + 1,
    count: st.count,
    longSide: st.longSide,
    width: st.width,
    height: st.height,
    ended,
  };
}

function pixelsOf(images: PixelImage[]): tf.Tensor3D[] {
  const out: tf.Tensor3D[] = [];
  try {
    for (const p of images) out.push(pixelsToTensor(p));
  } catch (e) {
    tf.dispose(out);
    throw e;
  }
  return out;
}

/**
 * Out of memory mid-run: the run's tensors go (freeing what they held), the last good image stays
 * to be seen and downloaded, and the page says what happened and which output size should fit
 * (the same size would fail again).
 */
async function stopOutOfMemory(r: StagedRun, iteration: number, e: unknown): Promise<void> {
  const failed = r.stage;
  const settings = runSettings;
  abandonRun();
  runToken++;
  const kept = lastGood
    ? ` The run stopped and kept the last good image (iteration ${lastGood.iteration}): download it with "Download PNG".`
    : ' The run stopped.';
  const at = failed.count > 1 ? ` (stage ${failed.index + 1} of ${failed.count})` : '';
  post({
    type: 'error',
    where: 'step',
    message:
      `Iteration ${iteration} ran out of memory at ${failed.width}×${failed.height} px${at}` +
      `${await sizeAdvice(settings, failed.height, failed.width)}${kept} (${messageOf(e)})`,
  });
  setState('stopped', `Stopped: iteration ${iteration} ran out of memory.`);
}

/**
 * Which output should fit after h x w ran out of memory, from this backend's memory model (the
 * memory check's, measured at two small sizes if not yet; see src/engine/outOfMemory.ts).
 */
async function sizeAdvice(settings: StyleSettings | null, h: number, w: number): Promise<string> {
  try {
    if (!shared.weights || !settings) throw new Error('no weights');
    const model = await memoryModelFor(shared.weights, settings);
    const maxTexture =
      tf.getBackend() === 'webgl' ? tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE') : null;
    const fit = sizeAfterOutOfMemory(model, h, w, maxTexture);
    return (
      ` (about ${formatBytes(fit.failedBytes)} needed). ` +
      (fit.longSide > 0
        ? `The largest output that should fit is ${fit.longSide} px on the long side: set "Output long side" to it and start again.`
        : 'Not even the smallest output (64 px) is likely to fit on this device.')
    );
  } catch {
    return '. Try a smaller output long side.';
  }
}

function lossReport(l: StepResult['losses'], s: StyleSettings): LossReport {
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

/** Puts the last good image back into the run (after a NaN or a divergence). */
function restoreLastGood(r: StagedRun): void {
  if (!lastGood) return;
  const img = tf.tensor3d(lastGood.rgb, [lastGood.height, lastGood.width, 3]);
  r.setImage(img);
  img.dispose();
}

/**
 * One step with its single readback of the new image (async: no pipeline stall on GPU backends;
 * WebGPU has no synchronous read). Returns null when the loop must end (the reason is posted).
 */
async function stepOnce(r: StagedRun, token: number): Promise<boolean> {
  const t0 = performance.now();
  let result: StagedStepResult;
  let rgb: Float32Array;
  const watch = whenContextLost();
  try {
    const outcome = await Promise.race([
      (async () => {
        if (debugFaults.failNextAllocation) {
          debugFaults.failNextAllocation = false;
          // What the browser throws when an allocation fails (debug hook, e2e).
          throw new RangeError('Array buffer allocation failed (made to fail by the debug hook)');
        }
        const res = await r.step();
        try {
          return { res, rgb: await readHolding(res.image) };
        } finally {
          res.image.dispose();
        }
      })(),
      watch.lost,
    ]);
    if (outcome === 'lost') {
      // The step's readbacks will never settle: free what they hold from the books, and rebuild.
      freeHeldReads();
      onContextLost(token);
      return false;
    }
    ({ res: result, rgb } = outcome);
  } catch (e) {
    if (contextLost()) {
      onContextLost(token);
      return false;
    }
    if (isOutOfMemoryError(e)) {
      await stopOutOfMemory(r, iterBase + r.iteration + 1, e);
      return false;
    }
    post({
      type: 'error',
      where: 'step',
      message: `Iteration ${iterBase + r.iteration + 1} failed: ${messageOf(e)}`,
    });
    setState('paused', 'Paused after an error in a step.');
    return false;
  } finally {
    watch.cancel();
  }
  const stepMs = performance.now() - t0;
  if (contextLost()) {
    // The step ran on a dead context: its numbers are zeros, not results.
    onContextLost(token);
    return false;
  }
  const l = result.losses;
  const iteration = iterBase + result.iteration;
  if (!allFinite([l.total, l.content, l.style, l.tv]) || !allFinite(Object.values(l.styleLayers))) {
    restoreLastGood(r);
    setState(
      'paused',
      `The loss became ${l.total} at iteration ${iteration}: paused and kept the last finite image. ` +
        'Lower the learning rate or the weights, then resume.',
    );
    return false;
  }
  // Pixels are clipped, so an absurd learning rate saturates the image instead of reaching NaN
  // (and with random weights the loss may even fall). Two signs of that failure: the loss jumps
  // tenfold in one step under unchanged weights, or the image snaps to the clip bounds at once.
  // A new coarse-to-fine stage changes the loss's scale (targets at the new size): like a settings
  // change, its first step is no sign of divergence, and the last good image is another size.
  const sameStage = lastGood !== null && lastGood.stage.index === result.stage.index;
  if (!sameStage) prevTotal = null;
  const jumped = prevTotal !== null && l.total > DIVERGENCE_FACTOR * prevTotal;
  const snapped =
    sameStage && saturatedFraction(rgb) > 0.9 && saturatedFraction(lastGood!.rgb) < 0.5;
  if (jumped || snapped) {
    const what = jumped
      ? `The loss jumped from ${prevTotal!.toPrecision(3)} to ${l.total.toPrecision(3)}`
      : 'The image saturated to pure colours in one step';
    restoreLastGood(r);
    setState(
      'paused',
      `${what} at iteration ${iteration} (learning rate ${runSettings!.learningRate}): paused and ` +
        'kept the last good image. Lower the learning rate, then resume.',
    );
    prevTotal = null;
    return false;
  }
  prevTotal = l.total;
  lastGood = {
    height: result.stage.height,
    width: result.stage.width,
    rgb,
    iteration,
    stage: result.stage,
  };
  if (result.stageEnd) stageEndImage = lastGood;
  draw(lastGood);
  if (!(await saveEngineState(r))) {
    onContextLost(token);
    return false;
  }
  avgStepMs = avgStepMs === 0 ? stepMs : 0.7 * avgStepMs + 0.3 * stepMs;
  post({
    type: 'iteration',
    iteration,
    maxIterations,
    losses: lossReport(l, runSettings!),
    stage: stageReport(result.stage, result.stageEnd),
    stepMs,
    avgStepMs,
  });
  return true;
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
    // Announced so the page can tell a long step from a dead worker (no event comes for close()).
    // A step that starts a stage has no known length: a larger image, and its targets first.
    post({
      type: 'stepStart',
      iteration: iterBase + run.iteration + 1,
      expectedMs: avgStepMs > 0 && !run.nextStepStartsStage ? avgStepMs : null,
    });
    if (debugFaults.closeAtNextStep) {
      scope.close();
      return;
    }
    const step = stepOnce(run, token);
    stepping = step;
    let goOn: boolean;
    try {
      goOn = await step;
    } finally {
      stepping = null;
    }
    if (deferredState) {
      // Pause or Stop arrived during the step: it took effect when the step ended.
      const next = deferredState;
      deferredState = null;
      setState(next);
      return;
    }
    if (!goOn) return;
  }
}

/** (Re)starts the loop on the current run; a new token retires any loop still parked at its tick. */
export function startLoop(message?: string): void {
  runToken++;
  setState('running', message);
  void loop(runToken);
}

export async function start(
  msg: Extract<ToWorker, { type: 'start' }>,
  ticket = startTicket(),
): Promise<void> {
  if (ticket !== stopsReceived) {
    // Stopped before it began: the run before it (if any) stays as it is, and the page, which
    // showed 'starting', hears the real state.
    setState(state);
    return;
  }
  await disposeRun();
  const weights = shared.weights;
  if (!weights) {
    post({ type: 'error', where: 'start', message: 'Load weights before starting a run.' });
    return;
  }
  maxIterations = msg.maxIterations;
  avgStepMs = 0;
  setState('starting');
  try {
    const refusal = await refuseIfTooLarge(weights, msg.settings, msg.content);
    if (refusal) {
      post({ type: 'error', where: 'start', message: refusal });
      setState('idle');
      return;
    }
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
      run = new StagedRun(weights, content, styles, msg.settings, msg.maxIterations, from);
      // Same image and (Adam) optimiser state as the old worker had at that iteration.
      if (resume) run.restore(resume);
      else if (init && !from) run.setImage(init);
    } finally {
      content.dispose();
      tf.dispose(styles);
      init?.dispose();
    }
    runSettings = { ...msg.settings };
    runInputs = { content: msg.content, styles: msg.styles };
    const first = run.currentImage();
    const [h, w] = first.shape;
    const rgb = (await first.data()) as Float32Array;
    first.dispose();
    lastGood = { height: h, width: w, rgb, iteration: run.iteration, stage: run.stage };
    draw(lastGood);
    await saveEngineState(run);
  } catch (e) {
    await disposeRun();
    const message = isOutOfMemoryError(e)
      ? `Out of memory while preparing the run: try a smaller output size. (${messageOf(e)})`
      : messageOf(e);
    post({ type: 'error', where: 'start', message });
    setState('idle');
    return;
  }
  // Stop may land while the first image is read back: the run then stays stopped.
  if (state !== 'starting') return;
  post({ type: 'settingsApplied', iteration: 0, settings: runSettings });
  startLoop();
}

/** Shows a result kept from before a reload: no run, just the image to see, download or resume. */
export async function showResult(msg: Extract<ToWorker, { type: 'showResult' }>): Promise<void> {
  await disposeRun();
  const { width, height } = msg.image;
  const img = pixelsToTensor(msg.image);
  let rgb: Float32Array;
  try {
    rgb = (await img.data()) as Float32Array;
  } finally {
    img.dispose();
  }
  const stage = {
    index: 0,
    count: 1,
    longSide: Math.max(width, height),
    width,
    height,
    startIteration: 0,
  };
  lastGood = { width, height, rgb, iteration: msg.iteration, stage };
  draw(lastGood);
  setState('stopped');
}

export function pause(): void {
  if (state !== 'running') return;
  if (stepping) {
    // The loop ends after the step in flight and posts 'paused' then (the page says "Pausing…").
    state = 'paused';
    deferredState = 'paused';
  } else {
    setState('paused');
  }
}

export function resume(): void {
  if (deferredState === 'paused' && stepping) {
    // Resumed before the pause took effect: the loop in flight simply goes on.
    deferredState = null;
    setState('running');
    return;
  }
  if ((state === 'paused' || state === 'done') && run && iterBase + run.iteration < maxIterations) {
    startLoop();
  }
}

/**
 * Counts Stops. A Start waits in the worker's job queue (behind a download, say) while the page
 * already shows it as starting; a Stop that arrives meanwhile must cancel it, not be ignored
 * because nothing runs yet. The router notes this count when a Start arrives (startTicket).
 */
let stopsReceived = 0;

/** What a Start message carries to start(): a Stop received after it cancels it. */
export function startTicket(): number {
  return stopsReceived;
}

export function stop(): void {
  stopsReceived++;
  if (state !== 'running' && state !== 'paused' && state !== 'starting') return;
  // A Pause still waiting for its step (state already 'paused') is overtaken by the Stop.
  if (stepping && (state === 'running' || deferredState === 'paused')) {
    state = 'stopped';
    deferredState = 'stopped';
  } else {
    runToken++;
    setState('stopped');
  }
}

export function queueSettings(patch: LiveSettingsPatch): void {
  // While paused the patch waits for the next step; nothing is echoed until it is really applied.
  pendingPatch = { ...pendingPatch, ...patch };
}

export function setMaxIterations(n: number): void {
  maxIterations = n;
}

/** The current image as a PNG at the output size, or the last stage end's image at its own size. */
export async function download(requestId: number, stageEnd = false): Promise<void> {
  const good = stageEnd ? stageEndImage : lastGood;
  if (!good) {
    const message = stageEnd ? 'No stage has ended yet.' : 'There is no image to download yet.';
    post({ type: 'error', where: 'download', message });
    return;
  }
  try {
    // Mid-way through the stages the image is smaller than the output: a download is always the
    // output size, so an earlier stage's image is upsampled as the next stage would.
    const [height, width] = stageEnd
      ? [good.height, good.width]
      : (run?.outputSize ?? [good.height, good.width]);
    let rgb: ArrayLike<number> = good.rgb;
    if (height !== good.height || width !== good.width) {
      const up = tf.tidy(() =>
        tf.image.resizeBilinear(
          tf.tensor3d(good.rgb, [good.height, good.width, 3]),
          [height, width],
          false,
          true,
        ),
      );
      rgb = (await up.data()) as Float32Array;
      up.dispose();
    }
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D context on an OffscreenCanvas');
    ctx.putImageData(rgbToImageData(rgb, width, height), 0, 0);
    const png = await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer();
    post({ type: 'download', requestId, width, height, iteration: good.iteration, png }, [png]);
  } catch (e) {
    post({ type: 'error', where: 'download', message: messageOf(e) });
  }
}

/**
 * Takes the run's state at lastGood and sends the page its copy (without L-BFGS' pairs: up to 20
 * image-sized arrays per iteration would be too much to copy). Raced against a lost context, on
 * which the read never settles; false when the context was lost.
 */
async function saveEngineState(r: StagedRun): Promise<boolean> {
  const watch = whenContextLost();
  let cp: StagedCheckpoint | 'lost';
  try {
    cp = await Promise.race([r.checkpoint(), watch.lost]);
  } catch {
    // The run goes on without one: recovery would resume from the image alone.
    engineState = null;
    return true;
  } finally {
    watch.cancel();
  }
  // Read on a lost context the arrays may be zeros: keep none.
  engineState = cp === 'lost' || contextLost() ? null : cp;
  if (!engineState) return false;
  const opt = engineState.run.optimizer;
  const forPage: StagedCheckpoint =
    opt.kind === 'lbfgs'
      ? { ...engineState, run: { ...engineState.run, optimizer: { ...opt, pairs: [] } } }
      : engineState;
  post({ type: 'checkpoint', checkpoint: forPage });
  return true;
}

/** What a rebuilt run needs after a fault: the inputs, settings and last good state, CPU-side. */
export interface RunCheckpoint {
  settings: StyleSettings;
  inputs: { content: PixelImage; styles: PixelImage[] };
  good: GoodImage;
  maxIterations: number;
  /** Stage, image, iteration and optimiser state in the engine's terms (null: none at good). */
  state: StagedCheckpoint | null;
}

export function checkpoint(): RunCheckpoint | null {
  if (!runSettings || !runInputs || !lastGood) return null;
  // A state taken at another iteration than the last good image's is of no use.
  const state = engineState?.iteration === lastGood.iteration ? engineState : null;
  return { settings: runSettings, inputs: runInputs, good: lastGood, maxIterations, state };
}

/** Forgets a run whose tensors died with their backend (freeing them may throw: ignored). */
export function abandonRun(): void {
  try {
    run?.dispose();
  } catch {
    // Already unusable: nothing else to release.
  }
  run = null;
}

/** A new run from a checkpoint, on the current backend and weights, counting on from its image. */
export function rebuildRun(cp: RunCheckpoint): void {
  const weights = shared.weights;
  if (!weights) throw new Error('no weights to rebuild the run with');
  const content = pixelsToTensor(cp.inputs.content);
  const styles = pixelsOf(cp.inputs.styles);
  const image = tf.tensor3d(cp.good.rgb, [cp.good.height, cp.good.width, 3]);
  try {
    // Back in the stage the last good image came from, counting on from its iteration.
    run = new StagedRun(weights, content, styles, cp.settings, cp.maxIterations, {
      stage: cp.good.stage.index,
      iteration: cp.good.iteration,
      image,
    });
    // Image, iteration and optimiser state (Adam's moments, L-BFGS' pairs) as they were.
    if (cp.state) run.restore(cp.state);
  } finally {
    content.dispose();
    tf.dispose(styles);
    image.dispose();
  }
  iterBase = 0;
  // The new context compiles its shaders again: the next step's length is unknown.
  avgStepMs = 0;
  draw(cp.good);
}

/** Whether the loop that detected a fault is still the current one and meant to run. */
export function isCurrentRunning(token: number): boolean {
  return token === runToken && state === 'running';
}

/** Whether a run exists (stopping it is what a backend or weights change does). */
export function hasRun(): boolean {
  return run !== null;
}
