/**
 * Draws the app's icons (public/icons/, for the web app manifest): a swirl of brush-stroke bands
 * over a sky-to-hill gradient, i.e. a landscape being restyled. Plain arithmetic, so every run writes
 * the same bytes. Run: npx tsx scripts/generate-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const OUT = join(import.meta.dirname, '..', 'public', 'icons');

/**
 * `safe` is the fraction of the side the motif may use: maskable icons are cropped by the
 * platform to a circle or squircle, so their motif keeps to the central 80%.
 */
function icon(size: number, safe: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x - c) / (c * safe);
      const v = (y - c) / (c * safe);
      const r = Math.hypot(u, v);
      const a = Math.atan2(v, u);
      // Background: sky above, hill below (the "content").
      const t = y / size;
      let rgb = t < 0.62 ? [70 + 90 * t, 130 + 80 * t, 220] : [60, 140 - 40 * t, 70];
      // Swirl bands (the "style"): brightness follows a spiral, fading out at the motif's edge.
      if (r < 1) {
        const band = 0.5 + 0.5 * Math.sin(10 * r - 3 * a);
        const k = (1 - r) ** 0.6;
        const paint = [255, 196 - 90 * band, 40 + 60 * band];
        rgb = rgb.map((ch, i) => ch + (paint[i] - ch) * k * band);
      }
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) png.data[i + k] = Math.max(0, Math.min(255, Math.round(rgb[k])));
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

mkdirSync(OUT, { recursive: true });
for (const [name, size, safe] of [
  ['icon-192.png', 192, 0.95],
  ['icon-512.png', 512, 0.95],
  ['maskable-512.png', 512, 0.8],
] as const) {
  writeFileSync(join(OUT, name), icon(size, safe));
  console.log(`wrote public/icons/${name}`);
}
