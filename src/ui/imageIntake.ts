/**
 * The one way an image enters the page (drop, pick, paste, samples): checks the file against the
 * stated limits from its header, decodes it the right way up and no larger than needed, puts
 * transparent areas on white, and makes the thumbnail from the decoded pixels.
 * Every refusal is an ImageIntakeError whose message says what is wrong in plain words.
 */
import {
  describeNonImage,
  formatLabel,
  orientedSize,
  readImageHeader,
  type ImageHeader,
} from './imageHeader';

/** Smallest side accepted: VGG16 pools four times before block5, so less carries no style. */
export const MIN_SIDE = 16;
/** Longer side kept on load (the output is at most 1024 px); larger images are scaled down. */
export const LOAD_MAX_SIDE = 2048;
/** Refused outright: past this the decode alone needs gigabytes. */
export const REFUSE_SIDE = 30000;
export const REFUSE_MEGAPIXELS = 250;
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
const THUMB_MAX_SIDE = 320;
/** What transparent pixels become: said in the UI next to such an image. */
export const BACKGROUND = 'white';

export const LIMITS_TEXT =
  `Images at least ${MIN_SIDE} px on each side; longer side above ${LOAD_MAX_SIDE} px is scaled ` +
  `down on load; above ${REFUSE_SIDE} px or ${REFUSE_MEGAPIXELS} MP refused. Transparency goes on ${BACKGROUND}.`;

export class ImageIntakeError extends Error {}

export interface IntakeImage {
  /** Oriented, composited on white, first frame, at most LOAD_MAX_SIDE on its longer side. */
  bitmap: ImageBitmap;
  width: number;
  height: number;
  /** Size of the file's image as stored (after orientation), before any scaling. */
  originalWidth: number;
  originalHeight: number;
  /** Object URL of a small PNG made from `bitmap` (so it shows what the run will use). */
  thumbUrl: string;
  /** What was done to the image on the way in, one sentence each, shown under the thumbnail. */
  notes: string[];
}

/** Refuses, from the header alone, what the page will not decode. Throws ImageIntakeError. */
export function checkHeader(h: ImageHeader): void {
  const label = formatLabel(h.format);
  if (h.truncated) throw new ImageIntakeError(`is a truncated ${label}: ${h.truncated}`);
  if (h.width === 0 || h.height === 0) {
    throw new ImageIntakeError(
      `is a corrupt ${label}: its header gives a size of ${h.width}×${h.height} px`,
    );
  }
  if (h.width < MIN_SIDE || h.height < MIN_SIDE) {
    throw new ImageIntakeError(
      `is too small (${h.width}×${h.height} px): images need at least ${MIN_SIDE} px on each side`,
    );
  }
  const mp = (h.width * h.height) / 1e6;
  if (Math.max(h.width, h.height) > REFUSE_SIDE || mp > REFUSE_MEGAPIXELS) {
    throw new ImageIntakeError(
      `is too large to open (${h.width}×${h.height} px, ${mp.toFixed(0)} MP): the limit is ` +
        `${REFUSE_SIDE} px on a side and ${REFUSE_MEGAPIXELS} MP`,
    );
  }
}

/** Size to decode at: the oriented size scaled so its longer side is at most LOAD_MAX_SIDE. */
function loadSize(w: number, h: number): { width: number; height: number; scaled: boolean } {
  const scale = Math.min(1, LOAD_MAX_SIDE / Math.max(w, h));
  if (scale === 1) return { width: w, height: h, scaled: false };
  return {
    width: Math.max(1, Math.round(w * scale)),
    height: Math.max(1, Math.round(h * scale)),
    scaled: true,
  };
}

async function decode(
  blob: Blob,
  size: { width: number; height: number; scaled: boolean },
  label: string,
): Promise<ImageBitmap> {
  try {
    // Chromium downsamples while decoding when given the target size (JPEG decodes at 1/2..1/8
    // scale natively), so a huge photo never exists at full size in memory as a bitmap.
    return await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      ...(size.scaled
        ? { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' as const }
        : {}),
    });
  } catch {
    throw new ImageIntakeError(`is a corrupt ${label}: the browser could not decode it`);
  }
}

/** Draws `bitmap` on white (or as is) into a canvas of `w`×`h`. */
function drawOn(bitmap: ImageBitmap, w: number, h: number, white: boolean): OffscreenCanvas {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new ImageIntakeError('could not be drawn: no 2D canvas is available');
  if (white) {
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, w, h);
  }
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, h);
  return canvas;
}

/** True when any pixel is not fully opaque (a PNG may declare alpha and use none). */
function hasTransparentPixels(bitmap: ImageBitmap): boolean {
  const ctx = drawOn(bitmap, bitmap.width, bitmap.height, false).getContext('2d', {
    willReadFrequently: true,
  });
  if (!ctx) return true;
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i] < 255) return true;
  return false;
}

/** Reads, checks and decodes one file. Throws ImageIntakeError with a message meant for people. */
export async function intakeImage(file: Blob): Promise<IntakeImage> {
  if (file.size === 0) throw new ImageIntakeError('is empty (0 bytes)');
  if (file.size > MAX_FILE_BYTES) {
    throw new ImageIntakeError(
      `is too large (${(file.size / 2 ** 20).toFixed(0)} MB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MB)`,
    );
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const header = readImageHeader(bytes);
  if (!header) {
    throw new ImageIntakeError(
      `is not an image the page can read: it looks like ${describeNonImage(bytes, file.type)} ` +
        '(PNG, JPEG, GIF, WebP, AVIF and BMP work)',
    );
  }
  checkHeader(header);
  const label = formatLabel(header.format);
  const oriented = orientedSize(header);
  const size = loadSize(oriented.width, oriented.height);
  const decoded = await decode(file, size, label);
  const notes: string[] = [];
  if (size.scaled) {
    notes.push(
      `Scaled down from ${oriented.width}×${oriented.height} to ${decoded.width}×${decoded.height} px on load (limit ${LOAD_MAX_SIDE} px).`,
    );
  }
  if (header.frames > 1) {
    notes.push(`Animated ${label}: the first frame is used.`);
  }
  if (header.orientation !== 1) {
    notes.push(`Turned upright from its EXIF orientation (${header.orientation}).`);
  }
  let bitmap = decoded;
  try {
    if (header.mayHaveAlpha && hasTransparentPixels(decoded)) {
      // Put transparency on white once here, so thumbnail, run and download all agree.
      const flat = drawOn(decoded, decoded.width, decoded.height, true);
      bitmap = flat.transferToImageBitmap();
      decoded.close();
      notes.push(`Transparent areas are placed on ${BACKGROUND}.`);
    }
    const t = Math.min(1, THUMB_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const thumb = drawOn(
      bitmap,
      Math.max(1, Math.round(bitmap.width * t)),
      Math.max(1, Math.round(bitmap.height * t)),
      false,
    );
    const thumbUrl = URL.createObjectURL(await thumb.convertToBlob({ type: 'image/png' }));
    return {
      bitmap,
      width: bitmap.width,
      height: bitmap.height,
      originalWidth: oriented.width,
      originalHeight: oriented.height,
      thumbUrl,
      notes,
    };
  } catch (e) {
    bitmap.close();
    throw e instanceof ImageIntakeError
      ? e
      : new ImageIntakeError(`could not be prepared: ${String(e)}`);
  }
}
