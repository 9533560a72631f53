/**
 * Draws the bundled sample images (public/samples/) and the e2e fixtures (e2e/fixtures/) with
 * plain arithmetic: an original landscape-like "photo" and a brush-stroke "painting". Seeded, so
 * every run writes the same bytes. Run: npx tsx scripts/generate-samples.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { mulberry32 } from '../src/model/randomWeights';

type Rgb = [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

class Image {
  readonly data: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Float32Array(width * height * 3);
  }
  set(x: number, y: number, c: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 3;
    for (let k = 0; k < 3; k++) this.data[i + k] += (c[k] - this.data[i + k]) * alpha;
  }
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let p = 0; p < this.width * this.height; p++) {
      for (let k = 0; k < 3; k++) {
        png.data[p * 4 + k] = Math.max(0, Math.min(255, Math.round(this.data[p * 3 + k])));
      }
      png.data[p * 4 + 3] = 255;
    }
    return PNG.sync.write(png);
  }
}

/** Rolling hills under a sky with a low sun, a lake and a few trees; light grain like a photo. */
export function drawHills(width: number, height: number, seed = 7): Image {
  const img = new Image(width, height);
  const rand = mulberry32(seed);
  const u = (x: number) => x / width;
  const v = (y: number) => y / height;
  const sunX = 0.72;
  const sunY = 0.28;
  const ridge = (x: number, base: number, amp: number, f: number, ph: number) =>
    base +
    amp *
      (Math.sin(x * f + ph) * 0.6 +
        Math.sin(x * f * 2.3 + ph * 1.7) * 0.3 +
        Math.sin(x * f * 5.1) * 0.1);
  const layers: { base: number; amp: number; f: number; ph: number; near: Rgb; far: Rgb }[] = [
    { base: 0.45, amp: 0.08, f: 5, ph: 1.1, far: [128, 146, 170], near: [110, 130, 150] },
    { base: 0.55, amp: 0.07, f: 7, ph: 2.3, far: [92, 130, 88], near: [70, 112, 64] },
    { base: 0.68, amp: 0.06, f: 4, ph: 0.4, far: [104, 150, 60], near: [80, 128, 44] },
  ];
  const lakeTop = 0.8;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const X = u(x);
      const Y = v(y);
      const d = Math.hypot((X - sunX) * (width / height), Y - sunY);
      let c: Rgb = mix([70, 120, 200], [250, 200, 150], Math.min(1, Y / 0.5));
      c = mix(c, [255, 240, 200], Math.max(0, 1 - d / 0.35) ** 2);
      if (d < 0.06) c = [255, 245, 215];
      for (const l of layers) {
        const top = ridge(X, l.base, l.amp, l.f, l.ph);
        if (Y > top) c = mix(l.far, l.near, Math.min(1, (Y - top) / 0.2));
      }
      if (Y > lakeTop) {
        // The lake mirrors the sky, darker and rippled.
        const ripple = Math.sin(Y * 180 + Math.sin(X * 30) * 2) * 0.5 + 0.5;
        c = mix([60, 100, 160], [150, 170, 200], ripple * 0.5 * (1 - (Y - lakeTop) / 0.2));
      }
      const grain = (rand() - 0.5) * 14;
      img.set(x, y, [c[0] + grain, c[1] + grain, c[2] + grain]);
    }
  }
  // Trees: dark cones on the nearest hill.
  for (let t = 0; t < 9; t++) {
    const X = 0.05 + rand() * 0.9;
    const baseY = ridge(X, layers[2].base, layers[2].amp, layers[2].f, layers[2].ph) + 0.03;
    if (baseY > lakeTop) continue;
    const h = (0.08 + rand() * 0.07) * height;
    const w = h * 0.35;
    for (let dy = 0; dy < h; dy++) {
      const half = (w * dy) / h;
      for (let dx = -half; dx <= half; dx++) {
        img.set(X * width + dx, baseY * height - h + dy, [30 + rand() * 12, 70 + rand() * 20, 36]);
      }
    }
  }
  return img;
}

/** Short curved strokes following a swirling flow field, in a night-sky palette. */
export function drawBrushStrokes(width: number, height: number, seed = 11): Image {
  const img = new Image(width, height);
  const rand = mulberry32(seed);
  const palette: Rgb[] = [
    [28, 52, 120],
    [52, 92, 170],
    [96, 150, 210],
    [238, 206, 92],
    [250, 232, 160],
    [20, 30, 60],
  ];
  for (let p = 0; p < width * height; p++) {
    img.data.set([36, 60, 118], p * 3);
  }
  const scale = Math.max(width, height);
  const flow = (x: number, y: number) =>
    Math.sin((x / scale) * 9 + Math.cos((y / scale) * 7) * 2) * 2.2 +
    Math.cos((y / scale) * 6) * 1.3;
  const strokes = Math.round((width * height) / 18);
  const radius = Math.max(1.2, scale / 110);
  for (let s = 0; s < strokes; s++) {
    let x = rand() * width;
    let y = rand() * height;
    const base = palette[Math.floor(rand() * palette.length)];
    const c: Rgb = [
      base[0] + (rand() - 0.5) * 30,
      base[1] + (rand() - 0.5) * 30,
      base[2] + (rand() - 0.5) * 30,
    ];
    const len = scale * (0.03 + rand() * 0.05);
    for (let t = 0; t < len; t++) {
      const a = flow(x, y);
      x += Math.cos(a);
      y += Math.sin(a);
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          if (dx * dx + dy * dy <= radius * radius) img.set(x + dx, y + dy, c, 0.6);
        }
      }
    }
  }
  return img;
}

function write(path: string, img: Image): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, img.toPng());
  console.log(`${path}: ${img.width}x${img.height}`);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
write(join(root, 'public/samples/hills.png'), drawHills(320, 240));
write(join(root, 'public/samples/brush-strokes.png'), drawBrushStrokes(256, 256));
write(join(root, 'e2e/fixtures/content.png'), drawHills(64, 48, 3));
write(join(root, 'e2e/fixtures/style.png'), drawBrushStrokes(48, 40, 5));
