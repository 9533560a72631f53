/**
 * What the result panel shows, as pure functions of the page's state: the content image the
 * compare divider shows under the result, and the caption's sizes (the image shown may be a
 * coarse stage's, smaller than the PNG a download gives).
 */
import { outputSize, type Size } from '../geometry';
import type { PickedImage, RunInfo } from '../store';

/**
 * The content under the result: the run's own; for a result restored after a reload (no run
 * inputs) the content image restored with it.
 */
export function compareContent(
  run: Pick<RunInfo, 'inputs' | 'restored'>,
  content: PickedImage | null,
): PickedImage | null {
  return run.inputs?.content ?? (run.restored ? content : null);
}

/** The PNG size a download gives: the run's output size (a coarse stage's image is scaled up). */
export function downloadSize(run: Pick<RunInfo, 'inputs' | 'width' | 'height'>): Size | null {
  if (run.inputs) return outputSize(run.inputs.content, run.inputs.longSide);
  return run.width !== null && run.height !== null
    ? { width: run.width, height: run.height }
    : null;
}

/** The size of the image on screen: the current stage's while a coarse-to-fine run is in one. */
export function shownSize(run: Pick<RunInfo, 'stage' | 'width' | 'height' | 'state'>): Size | null {
  if (run.stage && run.state !== 'idle' && run.state !== 'starting') {
    return { width: run.stage.width, height: run.stage.height };
  }
  return run.width !== null && run.height !== null
    ? { width: run.width, height: run.height }
    : null;
}

const px = (s: Size) => `${s.width}×${s.height} px`;

/** "64×43 px · Download PNG gives this size", or both sizes when the shown stage is smaller. */
export function sizeCaption(shown: Size | null, download: Size | null): string {
  if (!shown) return 'No run yet';
  if (!download || (download.width === shown.width && download.height === shown.height)) {
    return `${px(shown)} · Download PNG gives this size`;
  }
  return `${px(shown)} shown (a coarse stage) · Download PNG gives ${px(download)}, scaled up`;
}
