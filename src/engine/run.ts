/**
 * One style-transfer run: fixed content and style images, targets computed once, and a generated
 * image optimised step by step. Settings can change between steps (live sliders).
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvLayerName, deepestLayer, isConvLayerName } from '../model/topology';
import type { Vgg16Weights } from '../model/weights';
import { ColourPreservation } from './colour';
import { readHolding } from './heldReads';
import { initialImage } from './init';
import { GuidedStyle } from './masks/guidedStyle';
import { assertMask, copyMask, type SpatialMask } from './masks/spec';
import { lossTerms, neededLayers, REPORT, STYLE_LAYERS_AT, styleObjective } from './objective';
import {
  createOptimizer,
  type Objective,
  type OptimizerState,
  type PixelOptimizer,
} from './optimizers';
import { resizeToCover } from './preprocess';
import {
  MAX_STYLES,
  STYLE_SCALE_RANGE,
  type StyleLayerWeight,
  type StyleSettings,
} from './settings';
import { normaliseBlend, StyleTargets, type TargetStats } from './targets';
import { assertWeightsFor } from './vgg16';

export interface LossBreakdown {
  /** alpha * content + beta * style + tvWeight * tv. */
  total: number;
  /** J_content, unweighted. */
  content: number;
  /** J_style = sum_l lambda^[l] J_style^[l] (lambda applied, beta not). */
  style: number;
  /** Total variation, unweighted. */
  tv: number;
  /** J_style^[l] of every style layer, unweighted. */
  styleLayers: Partial<Record<ConvLayerName, number>>;
}

export interface StepResult {
  iteration: number;
  /**
   * Losses as plain numbers; NaN/Infinity when the objective is not finite (the image is then left
   * as it was). Adam reports the image the step started from (where its gradient was taken);
   * L-BFGS reports the image it accepted (its line search evaluates it anyway).
   */
  losses: LossBreakdown;
  /** The generated image after the step, RGB 0..255 [H, W, 3]: a copy the caller disposes. */
  image: tf.Tensor3D;
  /** False when the step was withheld (non-finite loss/gradient, or a failed line search). */
  updated: boolean;
  /** Forward+backward passes this step cost (Adam 1; L-BFGS 1 per line-search trial, +1 after a reset). */
  evaluations: number;
}

const BOX = { lo: 0, hi: 255 };

/**
 * Everything a run needs to go on exactly where it was, as CPU arrays: the iteration, the image in
 * the run's own colours (not the display copy: in luminance mode that would not round-trip), and
 * the optimiser's state. Taken after a good step, it outlives the tensors (a lost WebGL context).
 */
export interface RunCheckpoint {
  iteration: number;
  shape: [number, number, number];
  image: Float32Array;
  optimizer: OptimizerState;
}

function assertRgbImage(img: tf.Tensor, what: string): void {
  if (img.rank !== 3 || img.shape[2] !== 3) {
    throw new Error(`${what} must be an RGB image [H, W, 3], got [${img.shape.join(', ')}]`);
  }
}

function assertSettings(s: StyleSettings): void {
  const nonNegative = (v: number, what: string) => {
    if (!(Number.isFinite(v) && v >= 0))
      throw new Error(`${what} must be a finite number >= 0, got ${v}`);
  };
  nonNegative(s.alpha, 'alpha');
  nonNegative(s.beta, 'beta');
  nonNegative(s.tvWeight, 'tvWeight');
  if (!(Number.isFinite(s.learningRate) && s.learningRate > 0)) {
    throw new Error(`learningRate must be a finite number > 0, got ${s.learningRate}`);
  }
  if (!(s.noiseRatio >= 0 && s.noiseRatio <= 1)) {
    throw new Error(`noiseRatio must be within 0..1, got ${s.noiseRatio}`);
  }
  if (!isConvLayerName(s.contentLayer)) throw new Error(`unknown content layer ${s.contentLayer}`);
  const seen = new Set<string>();
  for (const l of s.styleLayers) {
    if (!isConvLayerName(l.name)) throw new Error(`unknown style layer ${l.name}`);
    if (seen.has(l.name)) throw new Error(`style layer ${l.name} is listed twice`);
    seen.add(l.name);
    nonNegative(l.weight, `weight of style layer ${l.name}`);
  }
  if (!(s.styleScale >= STYLE_SCALE_RANGE.min && s.styleScale <= STYLE_SCALE_RANGE.max)) {
    throw new Error(
      `styleScale must be within ${STYLE_SCALE_RANGE.min}..${STYLE_SCALE_RANGE.max}, got ${s.styleScale}`,
    );
  }
}

function copySettings(s: StyleSettings): StyleSettings {
  return {
    ...s,
    styleLayers: s.styleLayers.map((l) => ({ ...l })),
    styleBlend: [...s.styleBlend],
  };
}

function sameStyleLayers(a: readonly StyleLayerWeight[], b: readonly StyleLayerWeight[]): boolean {
  return (
    a.length === b.length && a.every((l, i) => l.name === b[i].name && l.weight === b[i].weight)
  );
}

export class StyleTransferRun {
  private s: StyleSettings;
  private readonly targets: StyleTargets;
  private readonly colour: ColourPreservation;
  private readonly shape: [number, number, number];
  private x: tf.Tensor3D;
  private opt: PixelOptimizer;
  private readonly objective: Objective;
  private iter = 0;
  private targetsStale = false;
  private disposed = false;
  /** The spatial mask made ready for this run's size, or null (SPEC's unmasked J_style). */
  private guide: GuidedStyle | null = null;

  /**
   * `content` is RGB 0..255 [H, W, 3] at the run's size; `style` one or several (1 to 4) RGB style
   * images of any size (each is cover-cropped to styleScale x the content's size for its Grams).
   * The run keeps its own copies. The caller keeps owning `weights`.
   */
  constructor(
    private readonly weights: Vgg16Weights,
    content: tf.Tensor3D,
    style: tf.Tensor3D | readonly tf.Tensor3D[],
    settings: StyleSettings,
    /** Where each style goes (src/engine/masks/spec.ts); null: everywhere, blended. */
    mask: SpatialMask | null = null,
  ) {
    const styles = Array.isArray(style)
      ? (style as readonly tf.Tensor3D[])
      : [style as tf.Tensor3D];
    assertRgbImage(content, 'content image');
    if (styles.length < 1 || styles.length > MAX_STYLES) {
      throw new Error(`a run takes 1 to ${MAX_STYLES} style images, got ${styles.length}`);
    }
    styles.forEach((s, i) => assertRgbImage(s, `style image ${i + 1}`));
    const [h, w] = content.shape;
    assertSettings(settings);
    normaliseBlend(settings.styleBlend, styles.length);
    if (mask) assertMask(mask, styles.length);
    assertWeightsFor(weights, deepestLayer(neededLayers(settings)));
    this.s = copySettings(settings);
    this.shape = [h, w, 3];
    // Float32 copies in the colours the network works on (tf.browser.fromPixels gives int32); the
    // targets keep them.
    const c = tf.cast(content, 'float32') as tf.Tensor3D;
    this.colour = new ColourPreservation(this.s.colourMode, c);
    const runContent = this.colour.content(c);
    const runStyles = styles.map((st) =>
      tf.tidy(() => this.colour.style(tf.cast(st, 'float32') as tf.Tensor3D, c)),
    );
    c.dispose();
    this.targets = new StyleTargets(weights, runContent, runStyles, this.s.styleScale);
    this.syncTargets(true);
    this.x = tf.tidy(() =>
      initialImage(
        this.s.init,
        runContent,
        resizeToCover(runStyles[0], h, w),
        this.s.noiseRatio,
        this.s.seed,
      ),
    );
    this.opt = createOptimizer(this.s.optimizer, this.s.learningRate, BOX);
    this.objective = styleObjective(
      weights,
      this.targets,
      () => this.s,
      this.shape,
      () => this.guide,
    );
    if (mask) this.setMask(mask);
  }

  /**
   * A new spatial mask (or none), from the next step on; the targets are kept (a mask changes only
   * which positions each region's Gram sums over). Throws (changing nothing) on a bad mask.
   */
  setMask(mask: SpatialMask | null): void {
    this.assertAlive();
    const next = mask
      ? new GuidedStyle(mask, this.targets.styleCount, this.shape[0], this.shape[1])
      : null;
    this.guide?.dispose();
    this.guide = next;
    this.opt.objectiveChanged();
  }

  /** The mask in use (a copy), or null. */
  get mask(): SpatialMask | null {
    return this.guide ? copyMask(this.guide.mask) : null;
  }

  /** How many style images the run holds (the length styleBlend must have). */
  get styleCount(): number {
    return this.targets.styleCount;
  }

  get iteration(): number {
    return this.iter;
  }

  /** [H, W, 3] of the generated image. */
  get imageShape(): readonly [number, number, number] {
    return this.shape;
  }

  get settings(): Readonly<StyleSettings> {
    return copySettings(this.s);
  }

  /** How often targets were computed: they must not be recomputed per step or per weight change. */
  get targetStats(): Readonly<TargetStats> {
    return this.targets.stats;
  }

  /**
   * Applies at the next step. Weights (alpha, beta, lambdas, tv) and the learning rate never
   * recompute targets; a new content layer recomputes the content target only; new style layers
   * get their Grams, removed ones are dropped; a new optimiser starts fresh on the current image;
   * init, seed, noiseRatio and colourMode only matter at the start (kept as they were). Blend
   * weights apply at the next step with the Grams kept; a new style scale recomputes the style
   * Grams only. Throws (changing nothing) on bad values.
   */
  updateSettings(patch: Partial<StyleSettings>): void {
    this.assertAlive();
    const prev = this.s;
    const next = copySettings({ ...prev, ...patch, colourMode: prev.colourMode });
    assertSettings(next);
    normaliseBlend(next.styleBlend, this.targets.styleCount);
    assertWeightsFor(this.weights, deepestLayer(neededLayers(next)));
    this.s = next;

    const layersChanged =
      next.contentLayer !== prev.contentLayer ||
      next.styleLayers.length !== prev.styleLayers.length ||
      next.styleLayers.some((l, i) => l.name !== prev.styleLayers[i].name);
    const scaleChanged = next.styleScale !== prev.styleScale;
    if (layersChanged || scaleChanged) this.targetsStale = true;

    if (next.optimizer !== prev.optimizer) {
      this.opt.dispose();
      this.opt = createOptimizer(next.optimizer, next.learningRate, BOX);
    } else {
      this.opt.learningRate = next.learningRate;
      const objectiveChanged =
        layersChanged ||
        scaleChanged ||
        next.styleBlend.some((b, i) => b !== prev.styleBlend[i]) ||
        next.alpha !== prev.alpha ||
        next.beta !== prev.beta ||
        next.tvWeight !== prev.tvWeight ||
        !sameStyleLayers(next.styleLayers, prev.styleLayers);
      if (objectiveChanged) this.opt.objectiveChanged();
    }
  }

  /**
   * One optimiser iteration (for L-BFGS including its line search). Do not dispose the run or
   * call another method until the promise settles: the step uses the run's tensors throughout.
   */
  async step(): Promise<StepResult> {
    this.assertAlive();
    this.syncTargets();
    const out = await this.opt.step(this.x, this.objective);
    if (out.next) {
      this.x.dispose();
      this.x = out.next as tf.Tensor3D;
    }
    this.iter++;
    return {
      iteration: this.iter,
      losses: this.breakdown(out.report),
      image: this.colour.toDisplay(this.x),
      updated: out.next !== null,
      evaluations: out.evaluations,
    };
  }

  /**
   * The losses of the current image under the current settings, without stepping (a forward pass
   * and one readback): e.g. to show the effect of a slider before the next step.
   */
  async evaluate(): Promise<LossBreakdown> {
    this.assertAlive();
    this.syncTargets();
    const report = tf.tidy(
      () => lossTerms(this.weights, this.targets, this.s, this.x, this.guide).report,
    );
    const values = await readHolding(report);
    report.dispose();
    return this.breakdown(values);
  }

  /**
   * A copy of the generated image as people see it, RGB 0..255 [H, W, 3] (in luminance mode with
   * the content's chroma); the caller disposes it.
   */
  currentImage(): tf.Tensor3D {
    this.assertAlive();
    return this.colour.toDisplay(this.x);
  }

  /** [height, width] of the generated image. */
  get size(): [number, number] {
    return [this.shape[0], this.shape[1]];
  }

  /** Replaces the generated image (clipped to 0..255; e.g. a saved good one) and resets the optimiser. */
  setImage(img: tf.Tensor3D): void {
    this.assertAlive();
    assertRgbImage(img, 'image');
    if (img.shape[0] !== this.shape[0] || img.shape[1] !== this.shape[1]) {
      throw new Error(
        `setImage: image is ${img.shape[0]}x${img.shape[1]}, the run is ${this.shape[0]}x${this.shape[1]}`,
      );
    }
    const next = tf.tidy(() =>
      tf.clipByValue(this.colour.toRun(tf.cast(img, 'float32') as tf.Tensor3D), BOX.lo, BOX.hi),
    ) as tf.Tensor3D;
    this.x.dispose();
    this.x = next;
    this.opt.reset();
  }

  /**
   * A CPU copy of the image, the optimiser's state and the iteration (see RunCheckpoint). Do not
   * step until it resolves: it reads the run's own tensors. Copies would be safe against that, but
   * would stay on the books for good if the read never settles (a lost WebGL context).
   */
  async checkpoint(): Promise<RunCheckpoint> {
    this.assertAlive();
    const iteration = this.iter;
    const [image, optimizer] = await Promise.all([this.x.data(), this.opt.saveState()]);
    return {
      iteration,
      shape: [...this.shape],
      image: new Float32Array(image as Float32Array),
      optimizer,
    };
  }

  /**
   * Continues from a checkpoint (of a run with the same inputs and size, e.g. one lost with its
   * WebGL context): the same image, iteration and optimiser state, so the next steps are the ones
   * the old run would have taken. State of another optimiser (changed since) is not loaded: that
   * one starts fresh, as after any change of optimiser. Returns whether the state was loaded.
   */
  restore(cp: RunCheckpoint): boolean {
    this.assertAlive();
    if (cp.shape.some((d, i) => d !== this.shape[i])) {
      throw new Error(
        `restore: checkpoint is ${cp.shape.join('x')}, the run is ${this.shape.join('x')}`,
      );
    }
    const next = tf.tensor3d(cp.image, this.shape);
    this.x.dispose();
    this.x = next;
    this.iter = cp.iteration;
    if (cp.optimizer.kind !== this.s.optimizer) {
      this.opt.reset();
      return false;
    }
    this.opt.loadState(cp.optimizer, this.shape);
    return true;
  }

  /** Frees the image, targets and optimiser state; not the weights (the caller owns them). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.opt.dispose();
    this.targets.dispose();
    this.colour.dispose();
    this.x.dispose();
    this.guide?.dispose();
  }

  private syncTargets(force = false): void {
    if (!this.targetsStale && !force) return;
    this.targets.sync(
      this.s.contentLayer,
      this.s.styleLayers.map((l) => l.name),
      this.s.styleScale,
    );
    this.targetsStale = false;
  }

  private breakdown(report: Float32Array): LossBreakdown {
    const at = (i: number) => (i < report.length ? report[i] : NaN);
    const styleLayers: Partial<Record<ConvLayerName, number>> = {};
    this.s.styleLayers.forEach((l, i) => (styleLayers[l.name] = at(STYLE_LAYERS_AT + i)));
    return {
      total: at(REPORT.total),
      content: at(REPORT.content),
      style: at(REPORT.style),
      tv: at(REPORT.tv),
      styleLayers,
    };
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('StyleTransferRun: used after dispose()');
  }
}
