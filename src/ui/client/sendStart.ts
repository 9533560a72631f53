/** A run's Start message, as a new run and a replaced worker's resume both send it. */
import { blendFor, useStore } from '../store';
import type { PixelImage, StagedCheckpoint } from '../../worker/protocol';
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
  from: { initImage?: PixelImage; startIteration?: number; resumeFrom?: StagedCheckpoint },
): void {
  const s = useStore.getState();
  const settings = { ...s.settings, styleBlend: blendFor(styles.length, s.settings.styleBlend) };
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
      ...from,
    },
    images.map((p) => p.data),
  );
}
