/**
 * Coarse to fine: the output size is reached through stages whose long side doubles from a small
 * start up to the target (e.g. 128 -> 256 -> 512 -> 1024). Each stage is a StyleTransferRun at its
 * own size (content and style targets recomputed there) that starts from the previous stage's
 * result, upsampled bilinearly. Cheap stages get more iterations (crowsonkb/style-transfer-pytorch
 * gives its first stage twice the iterations of the others; so do we).
 */
import * as tf from '@tensorflow/tfjs';
import type { Vgg16Weights } from '../model/weights';
import { assertMask, copyMask, type SpatialMask } from './masks/spec';
import { StyleTransferRun, type LossBreakdown, type RunCheckpoint, type StepResult } from './run';
import { initialImage } from './init';
import { resizeToCover } from './preprocess';
import type { StyleSettings } from './settings';
import type { TargetStats } from './targets';
import { planStages, stageAt, type Stage } from '../common/stagePlan';
import { TiledStageRun, type TilingOptions, tilingUnsupported } from './tiles/tiledRun';

/** What StagedRun drives in a stage: a run on whole tensors, or a tiled one past the memory limit. */
type StageRun = StyleTransferRun | TiledStageRun;

export {
  planStages,
  sizeWithLongSide,
  stageAt,
  stageLongSides,
  STAGE_MIN,
  STAGE_START_MAX,
  type Stage,
} from '../common/stagePlan';

/**
 * Brings an image down to h x w by successive halvings (bilinear at exactly 2x averages 2x2
 * blocks, so no pixel is skipped), then one last bilinear step.
 */
export function downscaleSmoothly(img: tf.Tensor3D, h: number, w: number): tf.Tensor3D {
  return tf.tidy(() => {
    let x = img;
    while (x.shape[0] >= 2 * h && x.shape[1] >= 2 * w) {
      x = tf.image.resizeBilinear(
        x,
        [Math.floor(x.shape[0] / 2), Math.floor(x.shape[1] / 2)],
        false,
        true,
      );
    }
    return x.shape[0] === h && x.shape[1] === w
      ? tf.clone(x)
      : tf.image.resizeBilinear(x, [h, w], false, true);
  });
}

export interface StageInfo {
  /** 0-based. */
  index: number;
  count: number;
  longSide: number;
  height: number;
  width: number;
  /** Global iteration at which this stage started (0 for the first). */
  startIteration: number;
  /** The stage runs in tiles (it is above what fits untiled). */
  tiled: boolean;
}

export interface StagedStepResult extends StepResult {
  stage: StageInfo;
  /** This step was the last of a stage before the final one (the next step moves on). */
  stageEnd: boolean;
}

/** A StagedRun's state as CPU arrays: its stage, its iteration, and that stage's run checkpoint. */
export interface StagedCheckpoint {
  stage: number;
  iteration: number;
  run: RunCheckpoint;
}

/**
 * A run through the stages. Same surface as StyleTransferRun (step, evaluate, settings, images);
 * the iteration count runs on across stages. The caller keeps owning weights and images.
 */
export class StagedRun {
  readonly stages: Stage[];
  private readonly content: tf.Tensor3D;
  private readonly styles: tf.Tensor3D[];
  private s: StyleSettings;
  private run: StageRun;
  private index = 0;
  private startIter = 0;
  private iter = 0;
  private disposed = false;
  /** Targets computed by stages already finished (the current stage's come from its run). */
  private pastStats: TargetStats = { contentComputations: 0, gramComputations: 0 };

  constructor(
    private readonly weights: Vgg16Weights,
    content: tf.Tensor3D,
    style: tf.Tensor3D | readonly tf.Tensor3D[],
    settings: StyleSettings,
    /** The iteration budget the stages are planned for (later raises go to the last stage). */
    budget: number,
    /**
     * Start at `iteration`, from `image` when given (resuming after a fault, or from a kept
     * result), in `stage`, or else in the stage that iteration falls in.
     */
    from?: { stage?: number; iteration: number; image?: tf.Tensor3D },
    /** Where each style goes, at every stage (resampled to each stage's size); null: everywhere. */
    private mask: SpatialMask | null = null,
    /** Stages above tiling.untiledMaxPixels run in tiles (none when not given). */
    private readonly tiling: TilingOptions | null = null,
  ) {
    const styles = Array.isArray(style)
      ? (style as readonly tf.Tensor3D[])
      : [style as tf.Tensor3D];
    const [h, w] = content.shape;
    this.stages = planStages(h, w, budget, settings.multiscale);
    this.s = { ...settings };
    if (mask) {
      assertMask(mask, styles.length);
      this.mask = copyMask(mask);
    }
    this.content = tf.cast(content, 'float32') as tf.Tensor3D;
    this.styles = styles.map((st) => tf.cast(st, 'float32') as tf.Tensor3D);
    if (from) {
      const stage = from.stage ?? stageAt(this.stages, from.iteration);
      this.index = Math.min(Math.max(0, stage), this.stages.length - 1);
      this.startIter = this.stageStart(this.index);
      this.iter = from.iteration;
    }
    try {
      this.run = this.makeStageRun(this.index, from?.image ?? null);
    } catch (e) {
      tf.dispose([this.content, ...this.styles]);
      throw e;
    }
  }

  get iteration(): number {
    return this.iter;
  }

  get settings(): Readonly<StyleSettings> {
    return this.run.settings;
  }

  get stage(): StageInfo {
    const st = this.stages[this.index];
    return {
      index: this.index,
      count: this.stages.length,
      longSide: st.longSide,
      height: st.height,
      width: st.width,
      startIteration: this.startIter,
      tiled: this.run instanceof TiledStageRun,
    };
  }

  /** Targets computed over all stages so far. */
  get targetStats(): Readonly<TargetStats> {
    const now = this.run.targetStats;
    return {
      contentComputations: this.pastStats.contentComputations + now.contentComputations,
      gramComputations: this.pastStats.gramComputations + now.gramComputations,
    };
  }

  /** Size of the final output, [h, w]. */
  get outputSize(): [number, number] {
    return [this.content.shape[0], this.content.shape[1]];
  }

  /** Whether the next step begins a new stage (a larger image, its targets computed first). */
  get nextStepStartsStage(): boolean {
    return (
      this.index < this.stages.length - 1 &&
      this.iter - this.startIter >= this.stages[this.index].iterations
    );
  }

  /** One iteration; moves to the next stage first when this one has had its iterations. */
  async step(): Promise<StagedStepResult> {
    this.assertAlive();
    if (this.nextStepStartsStage) this.advance();
    const r = await this.run.step();
    this.iter++;
    const stageEnd = this.nextStepStartsStage;
    return { ...r, iteration: this.iter, stage: this.stage, stageEnd };
  }

  /** Applies to this stage at its next step, and to every later stage. */
  updateSettings(patch: Partial<StyleSettings>): void {
    this.assertAlive();
    this.run.updateSettings(patch);
    this.s = { ...this.run.settings, multiscale: this.s.multiscale };
  }

  /** A new mask (or none) for this stage from its next step, and for every later stage. */
  setMask(mask: SpatialMask | null): void {
    this.assertAlive();
    this.run.setMask(mask);
    this.mask = mask ? copyMask(mask) : null;
  }

  evaluate(): Promise<LossBreakdown> {
    this.assertAlive();
    return this.run.evaluate();
  }

  /** The current stage's image (RGB, at the stage's size); the caller disposes it. */
  currentImage(): tf.Tensor3D {
    this.assertAlive();
    return this.run.currentImage();
  }

  /**
   * A CPU copy of the current stage's image and optimiser state. Do not step until it resolves:
   * it reads the run's own tensors, not copies (a copy would outlive a read that never settles,
   * as on a lost WebGL context).
   */
  async checkpoint(): Promise<StagedCheckpoint> {
    this.assertAlive();
    const [stage, iteration] = [this.index, this.iter];
    return { stage, iteration, run: await this.run.checkpoint() };
  }

  /**
   * Continues the current stage from a checkpoint taken in it (see StyleTransferRun.restore);
   * returns whether the optimiser's state was loaded (not when the optimiser changed since).
   */
  restore(cp: StagedCheckpoint): boolean {
    this.assertAlive();
    if (cp.stage !== this.index) {
      throw new Error(`restore: checkpoint is of stage ${cp.stage}, the run is in ${this.index}`);
    }
    const loaded = this.run.restore(cp.run);
    this.iter = cp.iteration;
    return loaded;
  }

  /** Replaces the current stage's image (brought to the stage's size when it has another). */
  setImage(img: tf.Tensor3D): void {
    this.assertAlive();
    const [h, w] = this.run.size;
    if (img.shape[0] === h && img.shape[1] === w) {
      this.run.setImage(img);
      return;
    }
    const fitted = tf.image.resizeBilinear(img, [h, w], false, true);
    try {
      this.run.setImage(fitted);
    } finally {
      fitted.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.run.dispose();
    tf.dispose([this.content, ...this.styles]);
  }

  private stageStart(index: number): number {
    return this.stages.slice(0, index).reduce((a, st) => a + st.iterations, 0);
  }

  private advance(): void {
    const prev = this.run.currentImage();
    const done = this.run.targetStats;
    this.run.dispose();
    this.pastStats = {
      contentComputations: this.pastStats.contentComputations + done.contentComputations,
      gramComputations: this.pastStats.gramComputations + done.gramComputations,
    };
    this.index++;
    this.startIter = this.iter;
    try {
      this.run = this.makeStageRun(this.index, prev);
    } finally {
      prev.dispose();
    }
  }

  /** Whether stage `index` runs in tiles: above the untiled limit, with settings tiles support. */
  stageIsTiled(index: number): boolean {
    const st = this.stages[index];
    return (
      this.tiling !== null &&
      st.height * st.width > this.tiling.untiledMaxPixels &&
      tilingUnsupported(this.s, this.mask) === null
    );
  }

  /** The run of a stage: content brought to its size, styles as they are, from `image` if given. */
  private makeStageRun(index: number, image: tf.Tensor3D | null): StageRun {
    const st = this.stages[index];
    const content = downscaleSmoothly(this.content, st.height, st.width);
    if (this.stageIsTiled(index)) {
      const start = image
        ? tf.tidy(() => tf.image.resizeBilinear(image, [st.height, st.width], false, true))
        : tf.tidy(() => {
            const style = resizeToCover(this.styles[0], st.height, st.width);
            return initialImage(this.s.init, content, style, this.s.noiseRatio, this.s.seed);
          });
      return new TiledStageRun(this.weights, content, start, this.styles, this.s, this.tiling!);
    }
    try {
      const run = new StyleTransferRun(this.weights, content, this.styles, this.s, this.mask);
      if (image) {
        const up = tf.tidy(() =>
          image.shape[0] === st.height && image.shape[1] === st.width
            ? tf.clone(image)
            : tf.image.resizeBilinear(image, [st.height, st.width], false, true),
        );
        run.setImage(up);
        up.dispose();
      }
      return run;
    } finally {
      content.dispose();
    }
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('StagedRun: used after dispose()');
  }
}
