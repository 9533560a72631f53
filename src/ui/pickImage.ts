/** Turns a file (dropped, picked, pasted or fetched sample) into the store's picked image. */
import { decodeImage } from './imagePixels';
import { useStore, type ImageSlot } from './store';

export async function pickImage(slot: ImageSlot, file: File): Promise<void> {
  const st = useStore.getState();
  try {
    const bitmap = await decodeImage(file);
    st.setImage(slot, {
      name: file.name || `pasted-${slot}`,
      bitmap,
      width: bitmap.width,
      height: bitmap.height,
      url: URL.createObjectURL(file),
    });
    st.setError(null);
  } catch (e) {
    st.setError(`${slot} image: ${e instanceof Error ? e.message : String(e)}`);
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
