import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { lossTerms, styleObjective } from '../objective';
import { StyleTargets } from '../targets';
import { useCpuInputs } from '../../../test/engineFixture';
import { ONE_POOL_SETTINGS, patternImage } from '../testing';
import { cropToTensor } from './buffers';
import { blendWeight, gridSteps, passOffset, receptiveWidth, tileGrid } from './grid';
import { disposeGrams } from './stageLosses';
import { type Grams, styleDirections, tileGradient } from './tileObjective';
import { TiledStage } from './tiledStage';

const S = ONE_POOL_SETTINGS;
const [H, W] = [40, 36];

const inputs = useCpuInputs('block2_conv1', () => ({
  content: patternImage(H, 'content', W),
  style: patternImage(H, 'style', W),
  start: tf.tidy(() =>
    tf.clipByValue(
      tf.add(patternImage(H, 'content', W), tf.randomUniform([H, W, 3], -40, 40, 'float32', 7)),
      0,
      255,
    ),
  ) as tf.Tensor3D,
}));

const buffer = async (t: tf.Tensor) => Float32Array.from(await t.data());

function untiledTargets(): StyleTargets {
  const t = new StyleTargets(inputs.weights, tf.clone(inputs.content), [tf.clone(inputs.style)]);
  t.sync(
    S.contentLayer,
    S.styleLayers.map((l) => l.name),
  );
  return t;
}

async function stage(tileSize: number, overlap: number): Promise<TiledStage> {
  // Never null: nothing stops the style sweep.
  const [c, x] = await Promise.all([buffer(inputs.content), buffer(inputs.start)]);
  return (await TiledStage.create(inputs.weights, S, [H, W], c, x, [inputs.style], {
    tileSize,
    overlap,
  }))!;
}

describe('tile grid', () => {
  const o = { tileSize: 256, overlap: 64, align: 16 };

  it('cells partition the image, windows stay within the tile size, cuts are aligned and move per pass', () => {
    const offsets = new Set<number>();
    for (let pass = 0; pass < 12; pass++) {
      const off = passOffset(pass, o);
      offsets.add(off);
      const tiles = tileGrid(650, 1000, o, off);
      const covered = new Uint8Array(650 * 1000);
      for (const t of tiles) {
        expect(t.windowRows.end - t.windowRows.start).toBeLessThanOrEqual(256);
        expect(t.windowCols.end - t.windowCols.start).toBeLessThanOrEqual(256);
        expect(t.windowRows.start % 16).toBe(0);
        expect(t.windowCols.start % 16).toBe(0);
        for (let y = t.rows.start; y < t.rows.end; y++)
          for (let x = t.cols.start; x < t.cols.end; x++) covered[y * 1000 + x]++;
      }
      expect(covered.every((n) => n === 1)).toBe(true);
    }
    expect(offsets.size).toBe(gridSteps(o).stride / 16);
  });

  it("the blend weights of the windows over a pixel sum to 1, and are 0 outside a tile's window", () => {
    for (const off of [0, 16, 80]) {
      const tiles = tileGrid(600, 500, o, off);
      const sum = new Float64Array(600);
      for (const t of tiles.filter((t) => t.cols.start === 0)) {
        for (let y = 0; y < 600; y++) {
          const wt = blendWeight(y, t.rows, t.rampRows);
          if (y < t.windowRows.start || y >= t.windowRows.end) expect(wt).toBe(0);
          sum[y] += wt;
        }
      }
      for (const v of sum) expect(v).toBeCloseTo(1, 12);
    }
  });

  it('knows the receptive fields that set the margin (block5_conv1 132 px, block4_conv2 76 px)', () => {
    expect(receptiveWidth('block5_conv1')).toBe(132);
    expect(receptiveWidth('block4_conv2')).toBe(76);
    expect(receptiveWidth('block2_conv1')).toBe(10);
  });
});

describe('J through tiles', () => {
  it('with one tile covering the image, equals the untiled J, term by term', async () => {
    const targets = untiledTargets();
    const untiled = tf.tidy(() => lossTerms(inputs.weights, targets, S, inputs.start).report);
    const want = await untiled.data();
    tf.dispose([untiled]);
    targets.dispose();

    const before = tf.memory().numTensors;
    const st = await stage(64, 32);
    expect(st.nextGrid()).toHaveLength(1);
    const got = await st.measure();
    st.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const values = [
      got!.total,
      got!.content,
      got!.style,
      got!.tv,
      ...S.styleLayers.map((l) => got!.styleLayers[l.name]!),
    ];
    // Same kernels on the same values: equal up to the last bit of the final float32 additions.
    values.forEach((v, i) =>
      expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-6 * Math.abs(want[i])),
    );
  });

  it('the gradient in every tile cell equals the untiled gradient there (the whole image Gram given)', async () => {
    const targets = untiledTargets();
    const objective = styleObjective(inputs.weights, targets, () => S, [H, W, 3]);
    const ev = objective(inputs.start);
    const whole = await ev.grad.data();
    tf.dispose([ev.loss, ev.grad, ev.report]);
    // The whole image's own Grams (GG) and the style's (GS), as a pass would hold them.
    const gg: Grams = new Map();
    const gs: Grams = new Map();
    const genTargets = new StyleTargets(inputs.weights, tf.clone(inputs.start), [
      tf.clone(inputs.start),
    ]);
    genTargets.sync(
      S.contentLayer,
      S.styleLayers.map((l) => l.name),
    );
    for (const { name } of S.styleLayers) {
      gg.set(name, tf.clone(genTargets.gram(name)));
      gs.set(name, tf.clone(targets.gram(name)));
    }
    genTargets.dispose();
    targets.dispose();

    const directions = styleDirections(S, [H, W], gg, gs);
    // Margin 12 px, past what block2_conv1's receptive field (10 px) lets the window edge reach;
    // offset 8 gives 5 x 5 cells of 4 to 8 px. A corner, an edge and an inner tile are checked.
    const o = { tileSize: 32, overlap: 24, align: 2 };
    const [x, c] = await Promise.all([buffer(inputs.start), buffer(inputs.content)]);
    const grid = tileGrid(H, W, o, 8);
    expect(grid).toHaveLength(25);
    const tiles = [grid[0], grid[7], grid[12], grid[24]];
    const before = tf.memory().numTensors;
    let worst = 0;
    let scale = 0;
    for (const t of tiles) {
      const px = {
        tile: t,
        image: cropToTensor(x, W, t.windowRows, t.windowCols),
        content: cropToTensor(c, W, t.windowRows, t.windowCols),
      };
      const r = tileGradient(inputs.weights, S, px, [H, W], directions);
      const g = await r.grad.data();
      tf.dispose([px.image, px.content, r.grad, r.sums]);
      disposeGrams(r.grams);
      const ww = t.windowCols.end - t.windowCols.start;
      for (let y = t.rows.start; y < t.rows.end; y++)
        for (let xx = t.cols.start; xx < t.cols.end; xx++)
          for (let k = 0; k < 3; k++) {
            const want = whole[(y * W + xx) * 3 + k];
            const got = g[((y - t.windowRows.start) * ww + (xx - t.windowCols.start)) * 3 + k];
            worst = Math.max(worst, Math.abs(got - want));
            scale = Math.max(scale, Math.abs(want));
          }
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeGrams(directions);
    disposeGrams(gg);
    disposeGrams(gs);
    expect(scale).toBeGreaterThan(0);
    // float32 sums in another order; a window edge reaching the cell would be off by ~10-100%.
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it('a tiled pass lowers J, leaves no tensor behind, and a stopped pass leaves the image as it was', async () => {
    const before = tf.memory().numTensors;
    const st = await stage(32, 8);
    const first = await st.pass();
    const second = await st.pass();
    expect(first.updated && second.updated).toBe(true);
    expect(second.losses!.total).toBeLessThan(first.losses!.total);
    const kept = st.image();
    let seen = 0;
    const stopped = await st.pass({ onTile: () => void seen++, shouldStop: () => seen >= 2 });
    expect(stopped.stopped).toBe(true);
    expect(st.image()).toEqual(kept);
    st.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
