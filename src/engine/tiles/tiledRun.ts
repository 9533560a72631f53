/**
 * A tiled stage behind the surface StagedRun drives (the one StyleTransferRun has): step, evaluate,
 * images, checkpoint and restore. TiledStage needs a sweep over the style's tiles before its first
 * pass, which is async, so the stage is built at the first step; until then the start image, the
 * content and any restored state wait as CPU arrays and tensors.
 *
 * A pass interrupted by the hooks (Pause or Stop between two tiles) throws StepInterrupted: no
 * iteration happened, the image is the last whole pass's, and the next step starts the pass again.
 */
import { whyNotTiled } from '../../common/tiling';
import * as tf from '@tensorflow/tfjs';
import type { Vgg16Weights } from '../../model/weights';
import { matchColours } from '../colour';
import type { SpatialMask } from '../masks/spec';
import type { LossBreakdown, RunCheckpoint, StepResult } from '../run';
import type { StyleSettings } from '../settings';
import type { TargetStats } from '../targets';
import { TILE_OVERLAP, TILE_SIZE } from './grid';
import type { PassHooks } from './stageLosses';

export type { PassHooks, TileProgress } from './stageLosses';
import { TiledStage, type TiledStageOptions } from './tiledStage';

/** Thrown by a step that Pause or Stop cut short between two tiles (nothing was stepped). */
export class StepInterrupted extends Error {
  constructor() {
    super('The tiled pass was interrupted between two tiles');
    this.name = 'StepInterrupted';
  }
}

export { TILE_OVERLAP, TILE_SIZE };

export interface TilingOptions {
  /** Stages of more pixels than this run tiled (what fits untiled on the device). */
  untiledMaxPixels: number;
  tile?: TiledStageOptions;
  hooks?: PassHooks;
}

/** Why settings cannot run tiled (null when they can): the rule of src/common/tiling.ts. */
export function tilingUnsupported(s: StyleSettings, mask: SpatialMask | null): string | null {
  return whyNotTiled(s, mask !== null);
}

const readAll = async (t: tf.Tensor) => Float32Array.from((await t.data()) as Float32Array);

export class TiledStageRun {
  private stage: TiledStage | null = null;
  private content: tf.Tensor3D;
  private start: tf.Tensor3D;
  private pending: RunCheckpoint | null = null;
  private s: StyleSettings;
  /** The styles as the stage sees them: the caller's, or recoloured copies ('match', owned). */
  private readonly styles: readonly tf.Tensor3D[];
  private disposed = false;

  /** Takes ownership of content and start (at the stage's size); styles stay the caller's. */
  constructor(
    private readonly weights: Vgg16Weights,
    content: tf.Tensor3D,
    start: tf.Tensor3D,
    styles: readonly tf.Tensor3D[],
    settings: StyleSettings,
    private readonly opts: TilingOptions,
  ) {
    const why = tilingUnsupported(settings, null);
    if (why) throw new Error(why);
    this.content = content;
    this.start = start;
    // 'match' only recolours the styles (colour.ts): the image itself is plain RGB.
    this.styles =
      settings.colourMode === 'match' ? styles.map((st) => matchColours(st, content)) : styles;
    this.s = { ...settings, styleLayers: settings.styleLayers.map((l) => ({ ...l })) };
  }

  get size(): [number, number] {
    return [this.content.shape[0], this.content.shape[1]];
  }

  get settings(): Readonly<StyleSettings> {
    return { ...this.s, styleLayers: this.s.styleLayers.map((l) => ({ ...l })) };
  }

  get targetStats(): Readonly<TargetStats> {
    const built = this.stage ? 1 : 0;
    return {
      contentComputations: built,
      gramComputations: built * this.s.styleLayers.length * this.styles.length,
    };
  }

  async step(): Promise<StepResult> {
    const stage = await this.built();
    const r = await stage.pass(this.opts.hooks);
    if (r.stopped || !r.losses) throw new StepInterrupted();
    return {
      iteration: r.passes,
      losses: r.losses,
      image: this.currentImage(),
      updated: r.updated,
      evaluations: 1,
    };
  }

  async evaluate(): Promise<LossBreakdown> {
    const losses = await (await this.built()).measure(this.opts.hooks);
    if (!losses) throw new StepInterrupted();
    return losses;
  }

  currentImage(): tf.Tensor3D {
    this.assertAlive();
    if (!this.stage) return tf.clone(this.pending ? this.pendingImage() : this.start);
    return tf.tensor3d(this.stage.image(), [...this.size, 3]);
  }

  updateSettings(patch: Partial<StyleSettings>): void {
    this.assertAlive();
    // Colours only matter at the start, as in StyleTransferRun.
    const next = { ...patch, colourMode: this.s.colourMode };
    this.stage?.updateSettings(next);
    this.s = { ...this.s, ...next };
  }

  setMask(mask: SpatialMask | null): void {
    if (mask) throw new Error('tiled stages do not take a spatial mask');
  }

  async checkpoint(): Promise<RunCheckpoint> {
    this.assertAlive();
    const [h, w] = this.size;
    if (!this.stage) {
      if (this.pending) return this.pending;
      const image = await readAll(this.start);
      return {
        iteration: 0,
        shape: [h, w, 3],
        image,
        optimizer: { kind: 'adam', t: 0, m: null, v: null },
      };
    }
    const { t, x, m, v } = this.stage.state();
    return { iteration: t, shape: [h, w, 3], image: x, optimizer: { kind: 'adam', t, m, v } };
  }

  restore(cp: RunCheckpoint): boolean {
    this.assertAlive();
    const [h, w] = this.size;
    if (cp.shape[0] !== h || cp.shape[1] !== w) {
      throw new Error(`restore: checkpoint is ${cp.shape.join('x')}, the stage is ${h}x${w}`);
    }
    const adam = cp.optimizer.kind === 'adam' && cp.optimizer.m && cp.optimizer.v;
    this.pending = adam ? cp : { ...cp, optimizer: { kind: 'adam', t: 0, m: null, v: null } };
    if (this.stage) this.applyPending(this.stage);
    return Boolean(adam);
  }

  setImage(img: tf.Tensor3D): void {
    this.assertAlive();
    const clipped = tf.tidy(() => tf.clipByValue(tf.cast(img, 'float32'), 0, 255)) as tf.Tensor3D;
    this.pending = null;
    if (!this.stage) {
      this.start.dispose();
      this.start = clipped;
      return;
    }
    try {
      this.stage.load(clipped.dataSync() as Float32Array, null);
    } finally {
      clipped.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stage?.dispose();
    tf.dispose([this.content, this.start]);
    if (this.s.colourMode === 'match') tf.dispose([...this.styles]);
  }

  private pendingImage(): tf.Tensor3D {
    return tf.tensor3d(this.pending!.image, [...this.size, 3]);
  }

  private applyPending(stage: TiledStage): void {
    const cp = this.pending;
    if (!cp) return;
    this.pending = null;
    const o = cp.optimizer;
    const adam = o.kind === 'adam' && o.m && o.v ? { t: o.t, m: o.m, v: o.v } : null;
    stage.load(cp.image, adam);
  }

  /** The stage, built on first use (the style's tiles swept once); interrupted like a pass. */
  private async built(): Promise<TiledStage> {
    this.assertAlive();
    if (this.stage) return this.stage;
    const [content, start] = await Promise.all([readAll(this.content), readAll(this.start)]);
    const stage = await TiledStage.create(
      this.weights,
      this.s,
      this.size,
      content,
      start,
      this.styles,
      this.opts.tile ?? { tileSize: TILE_SIZE, overlap: TILE_OVERLAP, gram: 'fresh' },
      this.opts.hooks,
    );
    if (!stage) throw new StepInterrupted();
    if (this.disposed) {
      stage.dispose();
      throw new StepInterrupted();
    }
    this.stage = stage;
    this.applyPending(stage);
    return stage;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('TiledStageRun: used after dispose()');
  }
}
