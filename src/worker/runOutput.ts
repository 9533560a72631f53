/**
 * What a run shows and hands out, from the run object: a kept result drawn as a stopped run, and
 * the PNG download of the current image (or of the last stage end's). The preview of each step is
 * drawn by the step itself (ports.draw).
 */
import * as tf from '@tensorflow/tfjs';
import { messageOf } from './errors';
import { pixelsToTensor, rgbToImageData } from './pixels';
import type { ToWorker } from './protocol';
import type { RunHandle } from './runTypes';

/** Shows a result kept from before a reload: no run, just the image to see, download or resume. */
export async function showResult(
  h: RunHandle,
  msg: Extract<ToWorker, { type: 'showResult' }>,
): Promise<void> {
  await h.disposeRun();
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
    tiled: false,
  };
  h.lastGood = { width, height, rgb, iteration: msg.iteration, stage };
  h.ports.draw(h.lastGood);
  h.fire('showResult');
}

/** The current image as a PNG at the output size, or the last stage end's image at its own size. */
export async function download(h: RunHandle, requestId: number, stageEnd = false): Promise<void> {
  const good = stageEnd ? h.stageEndImage : h.lastGood;
  const { post } = h.ports;
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
      : (h.run?.outputSize ?? [good.height, good.width]);
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
