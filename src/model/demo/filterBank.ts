/**
 * block1_conv1 of the demo VGG16: a fixed, readable filter bank instead of random numbers.
 * Three colour-opponent channels (luminance, red-green, blue-yellow) times 3x3 spatial filters
 * (the mean, the centre-surround, first and second derivatives at several orientations), each in
 * a + and a - copy: after the ReLU, a filter and its negation together keep the whole signal
 * (dark-to-light and light-to-dark edges, brighter and darker than the mean).
 * The input is Keras' caffe preprocessing: BGR order, 0..255 minus the ImageNet mean.
 */

/** Weights over the input's (B, G, R) channels, unit length, mutually orthogonal. */
export const OPPONENT_CHANNELS = {
  L: [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)], // (R + G + B) / 3
  RG: [0, -1 / Math.sqrt(2), 1 / Math.sqrt(2)], // R - G
  BY: [2 / Math.sqrt(6), -1 / Math.sqrt(6), -1 / Math.sqrt(6)], // B - (R + G) / 2
} as const;
export type OpponentChannel = keyof typeof OPPONENT_CHANNELS;

/** A 3x3 spatial filter, row-major, rows top to bottom (y down), columns left to right. */
type Spatial = number[];

const outer = (col: number[], row: number[]): Spatial => col.flatMap((c) => row.map((r) => c * r));
const SMOOTH = [1, 2, 1];
const D1 = [-1, 0, 1];
const D2 = [1, -2, 1];
const DX = outer(SMOOTH, D1); // Sobel: d/dx, positive where the image gets brighter to the right
const DY = outer(D1, SMOOTH); // positive where it gets brighter downwards
const DXX = outer(SMOOTH, D2);
const DYY = outer(D2, SMOOTH);
const DXY = outer(D1, D1); // on f = xy it gives 4, as DXX does on f = x^2 / 2: same scale

function unit(v: Spatial): Spatial {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const add = (...terms: [number, Spatial][]): Spatial =>
  terms[0][1].map((_, i) => terms.reduce((s, [w, f]) => s + w * f[i], 0));

/** First derivative across direction theta (degrees, 0 = along x, 90 = along y), steered from Sobel. */
function firstDerivative(theta: number): Spatial {
  const t = (theta * Math.PI) / 180;
  return unit(add([Math.cos(t), DX], [Math.sin(t), DY]));
}

/** Minus the second derivative across theta: positive on a bright line oriented along theta + 90. */
function secondDerivative(theta: number): Spatial {
  const t = (theta * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  return unit(add([-c * c, DXX], [-2 * s * c, DXY], [-s * s, DYY]));
}

const MEAN: Spatial = unit(Array(9).fill(1));
/** On-centre: positive where the centre is brighter than its 8 neighbours. */
const CENTRE_SURROUND: Spatial = unit([-1, -1, -1, -1, 8, -1, -1, -1, -1]);

export interface BankFilter {
  /** e.g. "+L d/d30" (rising luminance across 30 degrees), "-RG mean". */
  name: string;
  channel: OpponentChannel;
  /** 3x3 x (B, G, R) weights, index (ky * 3 + kx) * 3 + c: Keras' HWIO order for one output. */
  weights: number[];
}

function spatialSet(firstAngles: number[]): [string, Spatial][] {
  return [
    ['mean', MEAN],
    ['centre-surround', CENTRE_SURROUND],
    ...firstAngles.map((a): [string, Spatial] => [`d/d${a}`, firstDerivative(a)]),
    ...[0, 45, 90, 135].map((a): [string, Spatial] => [`-d2/d${a}^2`, secondDerivative(a)]),
  ];
}

/**
 * The 64 filters in output-channel order: pairs (+f, -f). Luminance gets 6 first-derivative
 * orientations (every 30 degrees), the colour-opponent channels 4 (every 45): 12 + 10 + 10 spatial
 * filters, 32 pairs.
 */
export function block1FilterBank(): BankFilter[] {
  const plan: [OpponentChannel, number[]][] = [
    ['L', [0, 30, 60, 90, 120, 150]],
    ['RG', [0, 45, 90, 135]],
    ['BY', [0, 45, 90, 135]],
  ];
  const out: BankFilter[] = [];
  for (const [channel, angles] of plan) {
    const colour = OPPONENT_CHANNELS[channel];
    for (const [what, spatial] of spatialSet(angles)) {
      const weights = spatial.flatMap((s) => colour.map((c) => s * c));
      out.push({ name: `+${channel} ${what}`, channel, weights });
      out.push({ name: `-${channel} ${what}`, channel, weights: weights.map((w) => -w) });
    }
  }
  return out;
}
