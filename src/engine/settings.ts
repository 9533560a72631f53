/**
 * Every user-tunable setting of a style-transfer run, with SPEC.md's defaults.
 * Plain data (no tfjs): the UI, the worker protocol and the engine all share this one definition.
 */
import type { ConvLayerName } from '../model/topology';

export type OptimizerName = 'adam' | 'lbfgs';
/** 'none': the style's colours; 'luminance': transfer luminance only; 'match': style recoloured to the content's. */
export type ColourMode = 'none' | 'luminance' | 'match';
export type InitMode = 'content+noise' | 'noise' | 'content' | 'style';

export interface StyleLayerWeight {
  name: ConvLayerName;
  /** lambda^[l] in J_style = sum_l lambda^[l] J_style^[l]. */
  weight: number;
}

export interface StyleSettings {
  /** Content weight alpha. */
  alpha: number;
  /** Style weight beta. */
  beta: number;
  /** Weight of the total-variation smoothness term. */
  tvWeight: number;
  /**
   * Step size on pixel values (0..255 scale). Adam: its learning rate (about the per-step pixel
   * change early on). L-BFGS: the largest pixel change of its first step after a reset (later steps
   * are scaled by the curvature it has learnt).
   */
  learningRate: number;
  contentLayer: ConvLayerName;
  styleLayers: StyleLayerWeight[];
  optimizer: OptimizerName;
  init: InitMode;
  /**
   * Amplitude of the uniform noise of the 'content+noise' and 'noise' inits, as a 0..1 ratio of 255:
   * content + U(-a, a), or mid-grey 127.5 + U(-a, a), with a = noiseRatio * 255 (then clipped).
   */
  noiseRatio: number;
  /** Seed of every random draw of a run, so a run is reproducible. */
  seed: number;
  /** Keeping the content's colours (applies at the start of a run). */
  colourMode: ColourMode;
  /**
   * One blend weight per style image (1 to 4 styles): the style target of a layer is
   * sum_i w_i Gram_i / sum_i w_i, as neural-style's -style_blend_weights. Live: no Gram is recomputed.
   */
  styleBlend: number[];
  /**
   * Size of the style relative to the output: each style is cover-cropped to styleScale x the
   * output's size before its Grams are taken (neural-style's -style_scale). Live: recomputes the
   * style Grams only.
   */
  styleScale: number;
  /** Reach the output size through coarse-to-fine stages (long side doubling up to it). */
  multiscale: boolean;
}

export const DEFAULT_STYLE_LAYERS: StyleLayerWeight[] = [
  { name: 'block1_conv1', weight: 0.2 },
  { name: 'block2_conv1', weight: 0.2 },
  { name: 'block3_conv1', weight: 0.2 },
  { name: 'block4_conv1', weight: 0.2 },
  { name: 'block5_conv1', weight: 0.2 },
];

export const DEFAULT_SETTINGS: StyleSettings = {
  alpha: 10,
  beta: 40,
  tvWeight: 1e-4,
  // Measured (random VGG16, 32 px, default layers, Adam): J falls to 0.25 / 0.18 / 0.16 of its
  // start in 20 steps at 2 / 5 / 10, mean pixel change 18 / 28 / 35; 10 adds noise (TV up 45%).
  learningRate: 5,
  contentLayer: 'block4_conv2',
  styleLayers: DEFAULT_STYLE_LAYERS,
  optimizer: 'adam',
  init: 'content+noise',
  noiseRatio: 0.2,
  seed: 42,
  colourMode: 'none',
  styleBlend: [1],
  styleScale: 1,
  multiscale: true,
};

export const MAX_STYLES = 4;
export const STYLE_SCALE_RANGE = { min: 0.25, max: 2 } as const;
