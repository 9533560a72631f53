/**
 * The explorer's image pool: the page's content, style and current result, plus the images added
 * in the explorer, each scaled so its longer side is the working size (aspect kept, nothing cut).
 */
import { intakeImage, ImageIntakeError } from '../imageIntake';
import { bitmapToPixels } from '../imagePixels';
import { outputSize } from '../geometry';
import { useStore } from '../store';
import { workerClient } from '../workerClient';
import type { PixelImage } from '../../worker/protocol';
import { useExplorer, type ExtraImage, type SearchedImage } from './explorerStore';

export interface PoolEntry {
  name: string;
  source: SearchedImage['source'];
  bitmap: ImageBitmap;
}

let nextExtraId = 1;

/** Whether the page has a generated image to ask for (a run was started). */
export function hasGenerated(): boolean {
  return useStore.getState().run.state !== 'idle';
}

/** The style worker's current image, decoded (PNG through the Download path). */
export async function generatedBitmap(): Promise<{ bitmap: ImageBitmap; iteration: number }> {
  const reply = await workerClient.capture();
  const bitmap = await createImageBitmap(new Blob([reply.png], { type: 'image/png' }));
  return { bitmap, iteration: reply.iteration };
}

/** The pool as it stands now (the generated image fetched fresh from the style worker). */
export async function currentPool(): Promise<PoolEntry[]> {
  const page = useStore.getState();
  const ex = useExplorer.getState();
  const out: PoolEntry[] = [];
  if (ex.include.content && page.content) {
    out.push({ name: page.content.name, source: 'content', bitmap: page.content.bitmap });
  }
  if (ex.include.style && page.style) {
    out.push({ name: page.style.name, source: 'style', bitmap: page.style.bitmap });
  }
  if (ex.include.generated && hasGenerated()) {
    const g = await generatedBitmap();
    out.push({
      name: `generated (iteration ${g.iteration})`,
      source: 'generated',
      bitmap: g.bitmap,
    });
  }
  for (const e of ex.extras) out.push({ name: e.name, source: 'extra', bitmap: e.bitmap });
  return out;
}

/**
 * Each entry at the working size: RGBA for the worker (transferred) and a bitmap of the very same
 * pixels for drawing the patches.
 */
export async function scalePool(
  entries: PoolEntry[],
  workingSize: number,
): Promise<{ pixels: PixelImage[]; images: SearchedImage[] }> {
  const pixels: PixelImage[] = [];
  const images: SearchedImage[] = [];
  for (const e of entries) {
    const p = bitmapToPixels(e.bitmap, outputSize(e.bitmap, workingSize));
    const copy = new Uint8ClampedArray(p.data.slice(0));
    const bitmap = await createImageBitmap(new ImageData(copy, p.width, p.height));
    pixels.push(p);
    images.push({ name: e.name, source: e.source, bitmap });
  }
  return { pixels, images };
}

/**
 * Adds dropped or picked files (a folder's worth) to the pool through the page's intake. Files that
 * are not images are skipped when they come from a folder; any refusal is listed in the error line.
 */
export async function addFiles(files: readonly File[], fromFolder = false): Promise<void> {
  const st = useExplorer.getState();
  const added: ExtraImage[] = [];
  const problems: string[] = [];
  for (const f of files) {
    if (fromFolder && !f.type.startsWith('image/')) continue;
    try {
      const img = await intakeImage(f);
      added.push({ id: nextExtraId++, name: f.name, bitmap: img.bitmap, url: img.thumbUrl });
    } catch (e) {
      const what = e instanceof ImageIntakeError ? e.message : `could not be read: ${String(e)}`;
      problems.push(`"${f.name}" ${what}`);
    }
  }
  if (added.length > 0) st.addExtras(added);
  st.setError(problems.length > 0 ? `Not added: ${problems.join('; ')}.` : null);
}
