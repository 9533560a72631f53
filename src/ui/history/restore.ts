/**
 * "Restore these settings": a PNG this app wrote carries its run's settings (./pngSettings); when
 * one is dropped on the page, the offer shows until the person restores or dismisses it.
 */
import { create } from 'zustand';
import { useStore } from '../store';
import { APP_VERSION, readRunRecord, type PngRunRecord } from './pngSettings';
import { readMask } from '../mask/maskPng';
import { loadKeptMask, type KeptMask } from '../mask/maskStore';

export interface RestoreOffer {
  fileName: string;
  record: PngRunRecord;
  /** The spatial mask the file carries, if any (restored with the settings). */
  mask?: KeptMask;
}

export const useRestoreOffer = create<{ offer: RestoreOffer | null }>(() => ({ offer: null }));

/**
 * The record a PNG carries: the run's settings as it last applied them (else the page's), its
 * budget, and the output size: `longSide` of the image itself when given (a download), else the
 * size the run was started at. Never the size field's value, which may have changed since.
 */
export function currentRunRecord(iteration: number, longSide?: number): PngRunRecord {
  const s = useStore.getState();
  const run = s.run;
  const runLongSide =
    run.inputs?.longSide ??
    (run.width && run.height ? Math.max(run.width, run.height) : s.outputLongSide);
  return {
    appVersion: APP_VERSION,
    iteration,
    weights: s.weights.label ?? null,
    settings: run.applied ?? s.settings,
    outputLongSide: longSide ?? runLongSide,
    maxIterations: run.maxIterations || s.maxIterations,
  };
}

function mayBePng(file: File): boolean {
  return file.type === 'image/png' || /\.png$/i.test(file.name);
}

/**
 * Looks for settings in the PNGs among `files` and offers the first found. Returns whether one
 * was offered. A file whose settings chunk is damaged is named in the error line.
 */
export async function offerSettingsFrom(files: readonly File[]): Promise<boolean> {
  for (const file of files.filter(mayBePng)) {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const record = readRunRecord(bytes);
      if (record) {
        const mask = readMask(bytes) ?? undefined;
        useRestoreOffer.setState({ offer: { fileName: file.name, record, mask } });
        return true;
      }
    } catch (e) {
      useStore
        .getState()
        .setError(
          `"${file.name}" carries settings that cannot be restored: ${(e as Error).message}.`,
        );
      return false;
    }
  }
  return false;
}

/** Puts the offered settings into the page (a running run takes the live ones at its next step). */
export function restoreOffered(): void {
  const offer = useRestoreOffer.getState().offer;
  if (!offer) return;
  const { record, fileName } = offer;
  const st = useStore.getState();
  st.setSettings(record.settings);
  st.setOutputLongSide(record.outputLongSide);
  st.setMaxIterations(record.maxIterations);
  if (offer.mask) loadKeptMask(offer.mask);
  useRestoreOffer.setState({ offer: null });
  st.setNotice(`Restored the settings of "${fileName}" (iteration ${record.iteration}).`);
}

export function dismissOffer(): void {
  useRestoreOffer.setState({ offer: null });
}
