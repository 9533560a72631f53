/**
 * A content/style pair that the demo weights' calibration never saw (it saw only the bundled
 * hills and brush strokes, scripts/generate-test-model.ts), drawn here with plain arithmetic so
 * nothing is downloaded or committed: a street of houses, and a stained-glass window of Voronoi
 * cells with dark leading. Other subjects, colours and textures than the samples'. Seeded: the
 * same pixels on every run.
 */
import * as tf from '@tensorflow/tfjs';
import { resizeToCover } from '../src/engine/preprocess';
import { mulberry32 } from '../src/model/randomWeights';

type Rgb = [number, number, number];

function tensorOf(w: number, h: number, colour: (x: number, y: number) => Rgb): tf.Tensor3D {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set(colour(x, y), (y * w + x) * 3);
  }
  return tf.tensor3d(data, [h, w, 3]);
}

interface House {
  x0: number;
  x1: number;
  top: number;
  wall: Rgb;
  roof: Rgb;
}

/** Houses of brick, plaster and slate along a street under an overcast sky; light grain. */
export function drawStreet(w = 192, h = 144, seed = 23): tf.Tensor3D {
  const rand = mulberry32(seed);
  const walls: Rgb[] = [
    [150, 70, 55],
    [205, 185, 150],
    [120, 125, 135],
    [180, 110, 70],
    [225, 215, 200],
  ];
  const houses: House[] = [];
  for (let x = 0; x < w;) {
    const width = Math.round(w * (0.14 + 0.12 * rand()));
    houses.push({
      x0: x,
      x1: x + width,
      top: h * (0.22 + 0.2 * rand()),
      wall: walls[Math.floor(rand() * walls.length)],
      roof: rand() < 0.5 ? [70, 60, 65] : [130, 60, 45],
    });
    x += width;
  }
  const street = h * 0.8;
  const grain = Array.from({ length: w * h }, () => (rand() - 0.5) * 10);
  return tensorOf(w, h, (x, y) => {
    const g = grain[y * w + x];
    const add = (c: Rgb): Rgb => [c[0] + g, c[1] + g, c[2] + g];
    if (y >= street) {
      // Cobbles: a grey grid, darker joints.
      const joint = (x % 9 < 1 || Math.floor(y) % 6 < 1) as boolean;
      return add(joint ? [70, 70, 72] : [118, 116, 112]);
    }
    const house = houses.find((hs) => x >= hs.x0 && x < hs.x1)!;
    const roofH = (house.x1 - house.x0) * 0.35;
    const mid = (house.x0 + house.x1) / 2;
    const roofEdge = house.top - roofH + (Math.abs(x - mid) / ((house.x1 - house.x0) / 2)) * roofH;
    if (y < roofEdge) {
      const t = y / h;
      return add([175 + 40 * t, 185 + 35 * t, 200 + 20 * t]); // overcast sky, lighter low down
    }
    if (y < house.top) return add(house.roof);
    // Windows in a grid, a door at the bottom middle.
    const lx = x - house.x0;
    const ly = y - house.top;
    const cols = Math.max(1, Math.floor((house.x1 - house.x0) / 14));
    const cell = (house.x1 - house.x0) / cols;
    const inWindow =
      lx % cell > cell * 0.3 && lx % cell < cell * 0.7 && ly % 18 > 5 && ly % 18 < 13;
    const door = Math.abs(x - mid) < 4 && y > street - 14;
    if (door) return add([60, 40, 30]);
    if (inWindow && y < street - 16) return add([40, 55, 75]);
    return add(house.wall);
  });
}

/** Stained glass: Voronoi cells of saturated reds, greens, golds and purples, dark leading. */
export function drawStainedGlass(w = 160, h = 160, seed = 31): tf.Tensor3D {
  const rand = mulberry32(seed);
  const palette: Rgb[] = [
    [190, 30, 45],
    [30, 140, 70],
    [230, 180, 40],
    [110, 40, 150],
    [240, 110, 30],
  ];
  const sites = Array.from({ length: 60 }, () => ({
    x: rand() * w,
    y: rand() * h,
    c: palette[Math.floor(rand() * palette.length)],
    shade: 0.75 + 0.35 * rand(),
  }));
  return tensorOf(w, h, (x, y) => {
    let [d1, d2, best] = [Infinity, Infinity, 0];
    for (let i = 0; i < sites.length; i++) {
      const d = Math.hypot(x - sites[i].x, y - sites[i].y);
      if (d < d1) [d2, d1, best] = [d1, d, i];
      else if (d < d2) d2 = d;
    }
    if (d2 - d1 < 1.6) return [25, 22, 20]; // lead between panes
    const { c, shade } = sites[best];
    // Light through glass: brighter at a pane's centre.
    const glow = shade * (1.1 - Math.min(0.3, d1 / 40));
    return [c[0] * glow, c[1] * glow, c[2] * glow].map((v) => Math.min(255, v)) as Rgb;
  });
}

/** The pair cover-cropped to size x size on the active backend; the caller disposes both. */
export function unseenPair(size: number): { content: tf.Tensor3D; style: tf.Tensor3D } {
  const cover = (img: tf.Tensor3D) => {
    const out = resizeToCover(img, size, size);
    img.dispose();
    return out;
  };
  return { content: cover(drawStreet()), style: cover(drawStainedGlass()) };
}
