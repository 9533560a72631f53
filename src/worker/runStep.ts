/**
 * One step of a run: its single readback of the new image raced against a lost context, and the
 * guards around it (non-finite loss, divergence, out of memory). Takes the run object; ends in a
 * transition of its table when the loop must stop.
 */
import * as tf from '@tensorflow/tfjs';
import type { StepResult } from '../engine/run';
import { freeHeldReads, readHolding } from '../engine/heldReads';
import { formatBytes, isOutOfMemoryError } from '../engine/memoryEstimate';
import { sizeAfterOutOfMemory } from '../engine/outOfMemory';
import { StepInterrupted } from '../engine/tiles/tiledRun';
import type { StyleSettings } from '../engine/settings';
import type { StagedRun, StagedStepResult, StageInfo } from '../engine/stages';
import type { Vgg16Weights } from '../model/weights';
import { messageOf } from './errors';
import { saveEngineState } from './faultRecovery';
import { memoryModelFor } from './memoryCheck';
import { allFinite, saturatedFraction } from './pixels';
import type { LossReport, StageReport } from './protocol';
import type { RunHandle } from './runTypes';
import { contextLost, whenContextLost } from './webglRecovery';

/** A step whose loss exceeds the previous one this many times is treated as diverging. */
const DIVERGENCE_FACTOR = 10;

function stageReport(st: StageInfo, ended: boolean): StageReport {
  return {
    number: st.index + 1,
    count: st.count,
    longSide: st.longSide,
    width: st.width,
    height: st.height,
    ended,
    tiled: st.tiled,
  };
}

function lossReport(l: StepResult['losses'], s: StyleSettings): LossReport {
  return {
    ...l,
    weightedContent: s.alpha * l.content,
    weightedStyle: s.beta * l.style,
    weightedTv: s.tvWeight * l.tv,
  };
}

/**
 * Which output should fit after h x w ran out of memory, from this backend's memory model (the
 * memory check's, measured at two small sizes if not yet; see src/engine/outOfMemory.ts).
 */
async function sizeAdvice(
  weights: Vgg16Weights | null,
  settings: StyleSettings | null,
  h: number,
  w: number,
): Promise<string> {
  try {
    if (!weights || !settings) throw new Error('no weights');
    const model = await memoryModelFor(weights, settings);
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

/**
 * Out of memory mid-run: the run's tensors go (freeing what they held), the last good image stays
 * to be seen and downloaded, and the page says what happened and which output size should fit
 * (the same size would fail again).
 */
async function stopOutOfMemory(h: RunHandle, r: StagedRun, iteration: number, e: unknown) {
  const failed = r.stage;
  const settings = h.settings;
  h.abandonRun();
  h.retire();
  const good = h.lastGood;
  const kept = good
    ? ` The run stopped and kept the last good image (iteration ${good.iteration}): download it with "Download PNG".`
    : ' The run stopped.';
  const at = failed.count > 1 ? ` (stage ${failed.index + 1} of ${failed.count})` : '';
  const advice = await sizeAdvice(h.ports.weights(), settings, failed.height, failed.width);
  h.ports.post({
    type: 'error',
    where: 'step',
    message:
      `Iteration ${iteration} ran out of memory at ${failed.width}×${failed.height} px${at}` +
      `${advice}${kept} (${messageOf(e)})`,
  });
  h.fire('outOfMemory', `Stopped: iteration ${iteration} ran out of memory.`);
}

/** Puts the last good image back into the run (after a NaN or a divergence). */
function restoreLastGood(h: RunHandle, r: StagedRun): void {
  const good = h.lastGood;
  if (!good) return;
  const img = tf.tensor3d(good.rgb, [good.height, good.width, 3]);
  r.setImage(img);
  img.dispose();
}

/** The step itself and its readback, or 'lost' when the context went meanwhile. */
async function stepAndRead(
  h: RunHandle,
  r: StagedRun,
): Promise<{ res: StagedStepResult; rgb: Float32Array } | 'lost'> {
  const watch = whenContextLost();
  try {
    return await Promise.race([
      (async () => {
        if (h.faults.failNextAllocation) {
          h.faults.failNextAllocation = false;
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
  } finally {
    watch.cancel();
  }
}

/**
 * One step with its single readback of the new image (async: no pipeline stall on GPU backends;
 * WebGPU has no synchronous read). False when the loop must end (the reason is posted).
 */
export async function stepOnce(h: RunHandle, r: StagedRun, token: number): Promise<boolean> {
  const t0 = performance.now();
  let result: StagedStepResult;
  let rgb: Float32Array;
  try {
    const outcome = await stepAndRead(h, r);
    if (outcome === 'lost') {
      // The step's readbacks will never settle: free what they hold from the books, and rebuild.
      freeHeldReads();
      h.ports.contextLost(token);
      return false;
    }
    ({ res: result, rgb } = outcome);
  } catch (e) {
    // Pause or Stop between two tiles: nothing stepped, the loop takes the state change.
    if (e instanceof StepInterrupted) return true;
    if (contextLost()) {
      h.ports.contextLost(token);
      return false;
    }
    if (isOutOfMemoryError(e)) {
      await stopOutOfMemory(h, r, h.iterBase + r.iteration + 1, e);
      return false;
    }
    h.ports.post({
      type: 'error',
      where: 'step',
      message: `Iteration ${h.iterBase + r.iteration + 1} failed: ${messageOf(e)}`,
    });
    h.fire('stepFailed', 'Paused after an error in a step.');
    return false;
  }
  const stepMs = performance.now() - t0;
  if (contextLost()) {
    // The step ran on a dead context: its numbers are zeros, not results.
    h.ports.contextLost(token);
    return false;
  }
  const l = result.losses;
  const iteration = h.iterBase + result.iteration;
  if (!allFinite([l.total, l.content, l.style, l.tv]) || !allFinite(Object.values(l.styleLayers))) {
    restoreLastGood(h, r);
    h.fire(
      'stepFailed',
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
  const last = h.lastGood;
  const sameStage = last !== null && last.stage.index === result.stage.index;
  if (!sameStage) h.prevTotal = null;
  const prev = h.prevTotal;
  const jumped = prev !== null && l.total > DIVERGENCE_FACTOR * prev;
  const snapped = sameStage && saturatedFraction(rgb) > 0.9 && saturatedFraction(last.rgb) < 0.5;
  if (jumped || snapped) {
    const what = jumped
      ? `The loss jumped from ${prev.toPrecision(3)} to ${l.total.toPrecision(3)}`
      : 'The image saturated to pure colours in one step';
    restoreLastGood(h, r);
    h.fire(
      'stepFailed',
      `${what} at iteration ${iteration} (learning rate ${h.settings!.learningRate}): paused and ` +
        'kept the last good image. Lower the learning rate, then resume.',
    );
    h.prevTotal = null;
    return false;
  }
  h.prevTotal = l.total;
  const good = {
    height: result.stage.height,
    width: result.stage.width,
    rgb,
    iteration,
    stage: result.stage,
  };
  h.lastGood = good;
  if (result.stageEnd) h.stageEndImage = good;
  h.ports.draw(good);
  if (!(await saveEngineState(h, r))) {
    h.ports.contextLost(token);
    return false;
  }
  h.avgStepMs = h.avgStepMs === 0 ? stepMs : 0.7 * h.avgStepMs + 0.3 * stepMs;
  h.ports.post({
    type: 'iteration',
    iteration,
    maxIterations: h.maxIterations,
    losses: lossReport(l, h.settings!),
    stage: stageReport(result.stage, result.stageEnd),
    stepMs,
    avgStepMs: h.avgStepMs,
  });
  return true;
}
