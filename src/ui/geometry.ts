/** Pure size arithmetic of the page: output size, cover crop, download file name. */

export const MIN_LONG_SIDE = 64;
/** Stages past what fits untiled run in tiles (issue 21), up to this. */
export const MAX_LONG_SIDE = 4096;

export interface Size {
  width: number;
  height: number;
}

/** Output size: the content's aspect ratio with the long side set to `longSide` (at least 1 px). */
export function outputSize(content: Size, longSide: number): Size {
  if (content.width <= 0 || content.height <= 0) throw new Error('outputSize: empty content image');
  const scale = longSide / Math.max(content.width, content.height);
  return {
    width: Math.max(1, Math.round(content.width * scale)),
    height: Math.max(1, Math.round(content.height * scale)),
  };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The centred source rectangle of `src` that, scaled, covers `dst` exactly (CSS object-fit: cover). */
export function coverCrop(src: Size, dst: Size): Rect {
  const scale = Math.max(dst.width / src.width, dst.height / src.height);
  const width = Math.min(src.width, dst.width / scale);
  const height = Math.min(src.height, dst.height / scale);
  return { x: (src.width - width) / 2, y: (src.height - height) / 2, width, height };
}

/** "photo.final.jpg" -> "photo-final": safe in a file name, never empty. */
export function fileStem(name: string): string {
  const stem = name
    .replace(/\.[^.]*$/, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem.slice(0, 40) || 'image';
}

export function downloadName(
  content: string,
  style: string,
  size: Size,
  iteration: number,
): string {
  return `stylized-${fileStem(content)}-${fileStem(style)}-${size.width}x${size.height}-it${iteration}.png`;
}
