/** A run's Start message, as a new run and a replaced worker's resume both send it. */
import { blendFor, useStore } from '../store';
import type { BackendName, PixelImage, StagedCheckpoint } from '../../worker/protocol';
import type { StyleBridge } from './bridge';
import { runMask } from '../mask/maskLive';
import { noteMaskApplied } from '../mask/maskStore';

/** The pixels a run started from (the worker takes the buffers it is sent). */
export interface RunInputs {
  content: PixelImage;
  styles: PixelImage[];
}

export function copyPixels(p: PixelImage): PixelImage {
  return { width: p.width, height: p.height, data: p.data.slice(0) };
}

/**
 * Sends a run's start with the current settings and budget, blend weights for these styles; the
 * images' buffers are transferred (the worker takes them).
 */
export function sendStart(
  bridge: StyleBridge,
  content: PixelImage,
  styles: PixelImage[],
  from: {
    initImage?: PixelImage;
    startIteration?: number;
    resumeFrom?: StagedCheckpoint;
    /** The backend the page's cost model picked for this run. */
    backend?: BackendName;
    /** Coarse to fine for this run, when not the settings' (a kept result resumes in one stage). */
    multiscale?: boolean;
  },
): void {
  const s = useStore.getState();
  const { multiscale, ...start } = from;
  const settings = {
    ...s.settings,
    styleBlend: blendFor(styles.length, s.settings.styleBlend),
    multiscale: multiscale ?? s.settings.multiscale,
  };
  const images = [content, ...styles, ...(from.initImage ? [from.initImage] : [])];
  noteMaskApplied(null);
  bridge.send(
    {
      type: 'start',
      content,
      styles,
      settings,
      maxIterations: s.maxIterations,
      mask: runMask(styles.length),
      ...start,
    },
    images.map((p) => p.data),
  );
}
