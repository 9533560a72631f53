/**
 * One coarse-to-fine stage optimised by tiles (issue 21). A pass visits every tile of the pass's
 * grid (its offset moves each pass); each tile's gradient of J (tileObjective.ts) is blended into
 * one gradient of the whole image, and Adam then takes one step on the whole image. So a pass is
 * one iteration of the untiled run, with the same Adam state (one moment buffer for the whole
 * image, outside every tile's tensors) and the same report (J at the image the gradient was taken
 * at), and stopping half-way through a pass leaves the image of the last whole pass.
 *
 * The style term's gradient needs the whole image's current Gram GG. 'fresh' (the default)
 * measures it by a forward-only sweep before every pass (about a third more work): the exact
 * gradient wherever the margin is wide enough. 'previous' uses the Grams the last pass summed from
 * its tiles, one step old: at 512 px (samples, 3 iterations) that run ended at 0.896x the
 * untiled run's J, 'fresh' at 0.993x (scripts/bench/tiles.ts --gram previous,fresh).
 */
import * as tf from '@tensorflow/tfjs';
import { deepestLayer } from '../../model/topology';
import type { Vgg16Weights } from '../../model/weights';
import { neededLayers } from '../objective';
import type { LossBreakdown } from '../run';
import type { StyleSettings } from '../settings';
import { adamStep, addBlended, allFiniteArray, cropToTensor } from './buffers';
import { layerStride, passOffset, type Tile, tileGrid, type TileGridOptions } from './grid';
import {
  accumulateGrams,
  type PassHooks,
  breakdownOf,
  disposeGrams,
  stageReport,
  tiledStyleTargets,
} from './stageLosses';
import { type Grams, measureTile, styleDirections, tileGradient } from './tileObjective';

export type { PassHooks, TileProgress } from './stageLosses';

export interface TiledStageOptions {
  /** Largest window side in pixels (the memory bound). */
  tileSize: number;
  /** Overlap of adjacent windows in pixels (twice the margin around a cell). */
  overlap: number;
  /** How the whole image's Gram for the gradient is had (see the file's comment); 'fresh' if absent. */
  gram?: 'previous' | 'fresh';
}

export interface PassResult {
  /** Passes completed so far. */
  passes: number;
  /** J of the whole image the pass's gradient was taken at (null when stopped). */
  losses: LossBreakdown | null;
  /** False when stopped or when the loss or gradient was not finite (no step taken). */
  updated: boolean;
  stopped: boolean;
}

export class TiledStage {
  private readonly buffers: { x: Float32Array; m: Float32Array; v: Float32Array };
  private readonly grad: Float32Array;
  private readonly grid: TileGridOptions;
  private estimate: Grams | null = null;
  private t = 0;
  private disposed = false;

  private constructor(
    private readonly weights: Vgg16Weights,
    private s: StyleSettings,
    private readonly full: [number, number],
    private readonly content: Float32Array,
    image: Float32Array,
    private readonly styleGrams: Grams,
    private readonly opts: TiledStageOptions,
  ) {
    const n = full[0] * full[1] * 3;
    if (content.length !== n || image.length !== n) {
      throw new Error(`tiled stage: buffers must hold ${full[0]}x${full[1]}x3 values`);
    }
    this.buffers = { x: Float32Array.from(image), m: new Float32Array(n), v: new Float32Array(n) };
    this.grad = new Float32Array(n);
    const align = layerStride(deepestLayer(neededLayers(s)));
    this.grid = { tileSize: opts.tileSize, overlap: opts.overlap, align };
  }

  /**
   * A stage of h x w: content and start image as [h, w, 3] RGB 0..255 buffers (copied), style
   * images of any size (their Grams are taken by tiles at the stage's style size). Null when
   * stopped during that sweep.
   */
  static async create(
    weights: Vgg16Weights,
    settings: StyleSettings,
    size: [number, number],
    content: Float32Array,
    image: Float32Array,
    styles: readonly tf.Tensor3D[],
    opts: TiledStageOptions,
    hooks: PassHooks = {},
  ): Promise<TiledStage | null> {
    const s = { ...settings, styleLayers: settings.styleLayers.map((l) => ({ ...l })) };
    const align = layerStride(deepestLayer(neededLayers(s)));
    const grid = { tileSize: opts.tileSize, overlap: opts.overlap, align };
    const gs = await tiledStyleTargets(weights, s, styles, size, grid, hooks);
    if (!gs) return null;
    return new TiledStage(weights, s, size, Float32Array.from(content), image, gs, opts);
  }

  get passes(): number {
    return this.t;
  }

  /** The grid the next pass visits. */
  nextGrid(): Tile[] {
    return tileGrid(this.full[0], this.full[1], this.grid, passOffset(this.t, this.grid));
  }

  /** A copy of the image, [h, w, 3] RGB 0..255. */
  image(): Float32Array {
    return Float32Array.from(this.buffers.x);
  }

  /**
   * J of the whole image now, by a forward-only sweep over the next pass's grid; keeps the summed
   * Grams as the estimate the next pass's gradient uses. Null when stopped.
   */
  async measure(hooks: PassHooks = {}): Promise<LossBreakdown | null> {
    this.assertAlive();
    const grid = this.nextGrid();
    const tiles = hooks.visit?.(grid) ?? grid;
    const acc: Grams = new Map();
    const sums: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < tiles.length; i++) {
      if (hooks.shouldStop?.()) {
        disposeGrams(acc);
        return null;
      }
      const px = this.pixels(tiles[i]);
      const r = measureTile(this.weights, this.s, px, this.full);
      tf.dispose([px.image, px.content]);
      const d = await r.sums.data();
      r.sums.dispose();
      for (let k = 0; k < 3; k++) sums[k] += d[k];
      accumulateGrams(acc, r.grams);
      await hooks.onTile?.({ pass: this.t, tile: i, tiles: tiles.length, sweep: 'measure' });
    }
    const report = await stageReport(this.s, this.full, sums, acc, this.styleGrams);
    disposeGrams(this.estimate);
    this.estimate = acc;
    return breakdownOf(this.s, report);
  }

  /** One pass: every tile's gradient, blended, then one Adam step on the whole image. */
  async pass(hooks: PassHooks = {}): Promise<PassResult> {
    this.assertAlive();
    const stopped = (): PassResult => ({
      passes: this.t,
      losses: null,
      updated: false,
      stopped: true,
    });
    if (!this.estimate || this.opts.gram !== 'previous') {
      if ((await this.measure(hooks)) === null) return stopped();
    }
    const grid = this.nextGrid();
    const tiles = hooks.visit?.(grid) ?? grid;
    const directions = styleDirections(this.s, this.full, this.estimate!, this.styleGrams);
    const acc: Grams = new Map();
    const sums: [number, number, number] = [0, 0, 0];
    this.grad.fill(0);
    try {
      for (let i = 0; i < tiles.length; i++) {
        if (hooks.shouldStop?.()) {
          disposeGrams(acc);
          return stopped();
        }
        const px = this.pixels(tiles[i]);
        const r = tileGradient(this.weights, this.s, px, this.full, directions);
        tf.dispose([px.image, px.content]);
        const [g, d] = await Promise.all([r.grad.data(), r.sums.data()]);
        tf.dispose([r.grad, r.sums]);
        addBlended(this.grad, this.full[1], tiles[i], g);
        for (let k = 0; k < 3; k++) sums[k] += d[k];
        accumulateGrams(acc, r.grams);
        await hooks.onTile?.({ pass: this.t, tile: i, tiles: tiles.length, sweep: 'gradient' });
      }
    } finally {
      disposeGrams(directions);
    }
    const report = await stageReport(this.s, this.full, sums, acc, this.styleGrams);
    disposeGrams(this.estimate);
    this.estimate = acc;
    const losses = breakdownOf(this.s, report);
    const updated = allFiniteArray(report) && allFiniteArray(this.grad);
    if (updated) {
      this.t++;
      adamStep(this.buffers, this.grad, this.t, this.s.learningRate);
    }
    return { passes: this.t, losses, updated, stopped: false };
  }

  /**
   * New weights or learning rate from the next pass. What the stage's targets or grid depend on
   * (layers, style scale, blend, optimiser, colours) cannot change within a tiled stage: throws,
   * changing nothing.
   */
  updateSettings(patch: Partial<StyleSettings>): void {
    const next = { ...this.s, ...patch };
    const fixed = ['contentLayer', 'optimizer', 'colourMode', 'styleScale'] as const;
    const changed = fixed.filter((k) => next[k] !== this.s[k]).map(String);
    if (next.styleBlend.some((b, i) => b !== this.s.styleBlend[i])) changed.push('styleBlend');
    if (
      next.styleLayers.length !== this.s.styleLayers.length ||
      next.styleLayers.some((l, i) => l.name !== this.s.styleLayers[i].name)
    ) {
      changed.push('styleLayers');
    }
    if (changed.length > 0) {
      throw new Error(`${changed.join(', ')} cannot change during a tiled stage`);
    }
    this.s = { ...next, styleLayers: next.styleLayers.map((l) => ({ ...l })) };
  }

  /** Image, Adam's moments and step count (copies), for a checkpoint. */
  state(): { t: number; x: Float32Array; m: Float32Array; v: Float32Array } {
    const { x, m, v } = this.buffers;
    return { t: this.t, x: Float32Array.from(x), m: Float32Array.from(m), v: Float32Array.from(v) };
  }

  /** Continues from state(); without m and v (a new image) Adam starts afresh. */
  load(x: Float32Array, adam: { t: number; m: Float32Array; v: Float32Array } | null): void {
    const n = this.buffers.x.length;
    if (x.length !== n || (adam && (adam.m.length !== n || adam.v.length !== n))) {
      throw new Error(`tiled stage: state must hold ${n} values`);
    }
    this.buffers.x.set(x);
    if (adam) {
      this.buffers.m.set(adam.m);
      this.buffers.v.set(adam.v);
    } else {
      this.buffers.m.fill(0);
      this.buffers.v.fill(0);
    }
    this.t = adam?.t ?? 0;
    disposeGrams(this.estimate);
    this.estimate = null;
  }

  /** The blended gradient of the last pass (a view; for tests and the bench). */
  lastGradient(): Float32Array {
    return this.grad;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeGrams(this.estimate);
    disposeGrams(this.styleGrams);
    this.estimate = null;
  }

  private pixels(tile: Tile) {
    const w = this.full[1];
    return {
      tile,
      image: cropToTensor(this.buffers.x, w, tile.windowRows, tile.windowCols),
      content: cropToTensor(this.content, w, tile.windowRows, tile.windowCols),
    };
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('TiledStage: used after dispose()');
  }
}
