/**
 * The current image saved as a PNG under a descriptive name, with the run's settings embedded
 * (restorable by dropping the file back on the page).
 */
import { downloadName } from '../geometry';
import { embedRunRecord } from '../history/pngSettings';
import { currentRunRecord } from '../history/restore';
import { saveBytes } from '../imagePixels';
import { useStore } from '../store';
import { embedMask } from '../mask/maskPng';
import { keptMask } from '../mask/maskStore';
import type { DownloadReply } from './requests';

export function savePng(reply: DownloadReply): void {
  const s = useStore.getState();
  const name = downloadName(
    s.content?.name ?? 'content',
    s.style?.name ?? 'style',
    { width: reply.width, height: reply.height },
    reply.iteration,
  );
  // The record holds the file's own output size, not the size field's (it may have changed since).
  const record = currentRunRecord(reply.iteration, Math.max(reply.width, reply.height));
  const png = embedMask(embedRunRecord(new Uint8Array(reply.png), record), keptMask());
  saveBytes(png.buffer as ArrayBuffer, name, 'image/png');
  // The run's progress up to here is now in a file: leaving the page no longer loses it.
  const run = useStore.getState().run;
  if (reply.iteration > run.keptIteration) s.patchRun({ keptIteration: reply.iteration });
}
