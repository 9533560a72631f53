/** Puts files (dropped, picked, pasted or fetched samples) into the image slots through intake. */
import { ImageIntakeError, intakeImage, type IntakeImage } from './imageIntake';
import { useStore, type ImageSlot, type PickedImage } from './store';
import { offerSettingsFrom } from './history/restore';

const SLOT_LABEL: Record<ImageSlot, string> = { content: 'Content', style: 'Style' };

/** What a slot holds: the decoded image, its thumbnail and the file it came from (kept for reloads). */
export function pickedImage(name: string, source: Blob, img: IntakeImage): PickedImage {
  return {
    name,
    bitmap: img.bitmap,
    width: img.width,
    height: img.height,
    originalWidth: img.originalWidth,
    originalHeight: img.originalHeight,
    url: img.thumbUrl,
    notes: img.notes,
    fileBytes: source.size,
    source,
  };
}

function otherSlot(slot: ImageSlot): ImageSlot {
  return slot === 'content' ? 'style' : 'content';
}

/**
 * Decodes `file` into `slot`. On any problem the slot keeps its previous image and the error line
 * names the file and what is wrong. Returns whether the image was taken.
 */
export async function pickImage(slot: ImageSlot, file: File): Promise<boolean> {
  const name = file.name || `pasted-${slot}`;
  try {
    const img = await intakeImage(file);
    const st = useStore.getState();
    st.setImage(slot, pickedImage(name, file, img));
    st.setError(null);
    const other = useStore.getState()[otherSlot(slot)];
    if (
      other &&
      other.name === name &&
      other.fileBytes === file.size &&
      other.width === img.width
    ) {
      st.setNotice(
        `"${name}" is now in both slots. With the same image as content and style the result ` +
          'stays close to the photo itself; pick a painting or texture as the style.',
      );
    }
    return true;
  } catch (e) {
    const what = e instanceof ImageIntakeError ? e.message : `could not be read: ${String(e)}`;
    const kept = useStore.getState()[slot] ? ' The previous image is kept.' : '';
    useStore.getState().setError(`${SLOT_LABEL[slot]} image "${name}" ${what}.${kept}`);
    return false;
  }
}

/**
 * Several files at once: the first goes to `slot`, the second to the other slot when that one is
 * empty; the rest are left out, and the notice line says so.
 */
export async function pickFiles(slot: ImageSlot, files: readonly File[]): Promise<void> {
  const st = useStore.getState();
  if (files.length === 0) return;
  st.setNotice(null);
  // A PNG made here also offers its settings back (the image itself is taken as usual).
  void offerSettingsFrom(files);
  const other = otherSlot(slot);
  const fillOther = files.length > 1 && !st[other];
  const used = fillOther ? 2 : 1;
  await pickImage(slot, files[0]);
  if (fillOther) await pickImage(other, files[1]);
  if (files.length > 1) {
    const names = files
      .slice(0, used)
      .map((f) => `"${f.name}"`)
      .join(' and ');
    const where = fillOther ? `${slot} and ${other}` : slot;
    st.setNotice(
      `${files.length} files dropped: used ${names} for ${where}` +
        (files.length > used ? `; ignored the other ${files.length - used}.` : '.'),
    );
  }
}

export const SAMPLES = {
  content: 'samples/hills.png',
  style: 'samples/brush-strokes.png',
} as const;

/** Loads the bundled sample images (content and style). */
export async function pickSamples(): Promise<void> {
  await Promise.all(
    (Object.keys(SAMPLES) as ImageSlot[]).map(async (slot) => {
      const path = SAMPLES[slot];
      const res = await fetch(import.meta.env.BASE_URL + path);
      if (!res.ok) throw new Error(`Sample ${path}: HTTP ${res.status}`);
      const blob = await res.blob();
      await pickImage(slot, new File([blob], path.split('/').pop()!, { type: blob.type }));
    }),
  );
}

/** Where a paste goes: the focused drop zone, else the first empty slot, else content. */
export function pasteTarget(focused: Element | null): ImageSlot {
  const zone = focused?.closest('[data-slot]')?.getAttribute('data-slot');
  if (zone === 'content' || zone === 'style') return zone;
  const s = useStore.getState();
  return !s.content ? 'content' : !s.style ? 'style' : 'content';
}
