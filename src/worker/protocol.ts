/**
 * The one message protocol between the page and the style worker (both sides import these types).
 * Plain postMessage with discriminated unions rather than comlink: the worker streams many events
 * (load progress, one message per iteration, state changes) that read naturally as typed messages,
 * and the OffscreenCanvas / pixel buffers are moved with explicit transfer lists.
 * Per-iteration messages carry numbers only; images reach the page through the transferred canvas.
 */
import type { ConvLayerName } from '../model/topology';
import type { StyleSettings } from '../engine/settings';
import type { StagedCheckpoint } from '../engine/stages';

export type { StagedCheckpoint };

// The UI may not import src/engine (eslint), but it needs the settings' shape and defaults: they
// are plain data, so the protocol passes them on.
export {
  DEFAULT_SETTINGS,
  DEFAULT_STYLE_LAYERS,
  MAX_STYLES,
  STYLE_SCALE_RANGE,
} from '../engine/settings';
export type {
  ColourMode,
  InitMode,
  OptimizerName,
  StyleLayerWeight,
  StyleSettings,
} from '../engine/settings';

// The spatial mask (issue 22) is plain data as well.
export { assertMask, MAX_REGIONS } from '../engine/masks/spec';
export type { RegionJob, SpatialMask } from '../engine/masks/spec';
import type { SpatialMask } from '../engine/masks/spec';

export type BackendChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** One backend's figure in a calibration (src/worker/calibration.ts). */
export interface CalibrationEntry {
  backend: BackendName;
  /** One VGG16 forward+backward at the calibration size, after a warm-up pass; null if not timed. */
  ms: number | null;
  /** The first pass (shader compilation, kernel set-up); null if the backend did not run. */
  warmupMs: number | null;
  threads: number;
  /** Why it was not timed. */
  note?: string;
  /** Timed passes at two or more sizes (the page fits its cost model to them). */
  points?: { longSide: number; pixels: number; ms: number }[];
  /** The renderer is software (SwiftShader, llvmpipe): a GPU backend that runs on the CPU. */
  software?: boolean;
}

/** What Auto chose from, cached by the page per device (worker has no localStorage). */
export interface Calibration {
  version: number;
  /** Browser, cores, GPU renderer and isolation: a calibration is reused only on the same. */
  deviceKey: string;
  /** Long side in px of the timed image (the smallest of the points). */
  size: number;
  /** The deepest layer the passes went to (the default settings' one). */
  deepest?: ConvLayerName;
  entries: CalibrationEntry[];
  /** Fastest at the calibration size; the page picks per run size from the points. */
  fastest: BackendName;
  /** Backends still to be measured (measured in the background; a partial calibration is used). */
  pending?: BackendName[];
  measuredAt: string;
}

/** What the page asks the worker to load (mirrors the loader's WeightsSource). */
export type WeightsRequest =
  { kind: 'pretrained' } | { kind: 'demo' } | { kind: 'h5'; bytes: ArrayBuffer; fileName: string };

/** RGBA pixels, row-major, already at the run's output size (the page resizes and crops). */
export interface PixelImage {
  width: number;
  height: number;
  data: ArrayBuffer;
}

/**
 * Settings that may change while a run goes on; they apply at the next iteration (the engine
 * recomputes only the targets a layer change needs). init, seed and noiseRatio only matter at start.
 */
export const LIVE_SETTING_KEYS = [
  'alpha',
  'beta',
  'tvWeight',
  'learningRate',
  'styleLayers',
  'contentLayer',
  'optimizer',
  'styleBlend',
  'styleScale',
] as const;
export type LiveSettingsPatch = Partial<Pick<StyleSettings, (typeof LIVE_SETTING_KEYS)[number]>>;

/** Which weights the worker holds. */
export interface WeightsInUse {
  label: 'pretrained' | 'demo';
  origin: 'cache' | 'network' | 'file';
  bytes: number;
}

export type ToWorker =
  /** debug: the page was opened with ?debug, so the worker accepts 'debug' messages. */
  | {
      type: 'init';
      canvas: OffscreenCanvas;
      backend: BackendChoice;
      debug?: boolean;
      /** The calibration the page cached; redone when missing or from another device. */
      calibration?: Calibration | null;
    }
  | { type: 'setBackend'; backend: BackendChoice }
  | { type: 'loadWeights'; source: WeightsRequest }
  | {
      type: 'start';
      /** At the output size. */
      content: PixelImage;
      /** 1 to MAX_STYLES style images at their own size (the run crops and scales them). */
      styles: PixelImage[];
      settings: StyleSettings;
      maxIterations: number;
      /** Starting image instead of settings.init (a history snapshot), at the content's size. */
      initImage?: PixelImage;
      /**
       * With initImage: the iteration that image reached (a result kept across a reload); the run
       * counts on from it, in the coarse-to-fine stage it falls in. The optimiser starts afresh.
       */
      startIteration?: number;
      /** Continue a run from this checkpoint (a replaced worker's last good image and state). */
      resumeFrom?: StagedCheckpoint;
      /** The backend the page's cost model picked for this run (switched to before it, if need be). */
      backend?: BackendName;
      /** Where each style goes (regions and their jobs); absent or null: everywhere, blended. */
      mask?: SpatialMask | null;
    }
  /** The largest output of this shape (width:height) that fits here with these settings' layers. */
  | {
      type: 'fitLimit';
      requestId: number;
      width: number;
      height: number;
      settings: StyleSettings;
      /** The backend the next run goes to (default: the active one). */
      backend?: BackendName;
    }
  /**
   * Shows a result kept from before a reload (RGBA at the output size) as the current image, as
   * if a run had stopped at `iteration`: it is drawn, and downloads take it.
   */
  | { type: 'showResult'; image: PixelImage; iteration: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'updateSettings'; patch: LiveSettingsPatch }
  /** A new spatial mask (or none) for the run going on, from its next iteration. */
  | { type: 'setMask'; mask: SpatialMask | null }
  | { type: 'setMaxIterations'; maxIterations: number }
  /** The current image at the output size, or with stageEnd the last stage end's at its size. */
  | { type: 'download'; requestId: number; stageEnd?: boolean }
  /** Reports tf.memory() (leak checks in the e2e tests). */
  | { type: 'memory'; requestId: number }
  /** Fault injection for the e2e tests; refused unless init said debug. */
  | { type: 'debug'; action: DebugAction };

/**
 * loseContext: WEBGL_lose_context; crash: an uncaught error; closeSelf: the worker calls close()
 * as the next step starts (a silent death); failAllocation: the next step's allocation fails as if
 * the backend were out of memory; forceTiles: runs started from now on tile every stage above
 * 256 px (cheap tiled runs for the e2e tests, with shallow layers that would fit untiled).
 */
export type DebugAction = 'loseContext' | 'crash' | 'closeSelf' | 'failAllocation' | 'forceTiles';

export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'stopped';

export interface LossReport {
  /** J(G) as the engine reports it (weighted sum, tv included). */
  total: number;
  /** Unweighted J_content. */
  content: number;
  /** Unweighted J_style = sum_l lambda_l J_style^[l]. */
  style: number;
  /** Unweighted total variation. */
  tv: number;
  /** alpha * J_content, beta * J_style, tvWeight * tv: the terms that add up to the total. */
  weightedContent: number;
  weightedStyle: number;
  weightedTv: number;
  styleLayers: Partial<Record<ConvLayerName, number>>;
}

/** Where a coarse-to-fine run is: "stage 2 of 4 · 256 px". */
export interface StageReport {
  /** 1-based. */
  number: number;
  count: number;
  longSide: number;
  width: number;
  height: number;
  /** This iteration was the last of a stage before the final one (the final one ends the run). */
  ended: boolean;
  /** The stage runs in tiles (it is above what fits untiled here); absent: untiled. */
  tiled?: boolean;
}

export type ErrorWhere = 'backend' | 'weights' | 'start' | 'step' | 'download' | 'protocol';

export type FromWorker =
  | {
      type: 'backend';
      backend: BackendName;
      requested: BackendChoice;
      /** Renderer string of WebGL when it could be probed. */
      renderer: string | null;
      /** Set when the backend used is not the one asked for, or cannot use threads: says why. */
      warning: string | null;
      /** Threads of the wasm thread pool (1 elsewhere). */
      threads: number;
      crossOriginIsolated: boolean;
    }
  /**
   * largestLongSide null: every size the page offers fits. untiledLongSide: above it, stages run
   * in tiles (null: every size that fits runs untiled).
   */
  | {
      type: 'fitLimit';
      requestId: number;
      backend: BackendName;
      largestLongSide: number | null;
      untiledLongSide: number | null;
    }
  | {
      type: 'weightsProgress';
      phase: 'cache' | 'download' | 'convert';
      loaded: number;
      total: number;
    }
  | ({ type: 'weightsLoaded' } & WeightsInUse)
  | {
      type: 'weightsError';
      kind: 'not-found' | 'format' | 'other';
      message: string;
      /** The weights still loaded and in use (a failed load never unloads them), or null. */
      inUse: WeightsInUse | null;
    }
  | { type: 'state'; state: RunState; width?: number; height?: number; message?: string }
  | {
      type: 'iteration';
      iteration: number;
      maxIterations: number;
      losses: LossReport;
      stage: StageReport;
      /** Wall time of this step (ms), and a smoothed one for iterations/second. */
      stepMs: number;
      avgStepMs: number;
    }
  | { type: 'settingsApplied'; iteration: number; settings: StyleSettings }
  /** A setMask took effect at this iteration (regions: how many; 0 for no mask). */
  | { type: 'maskApplied'; iteration: number; regions: number }
  /**
   * A step begins: its iteration and how long it should take (the recent average; null for the
   * first). The page declares the worker dead after a generous multiple of that with no message.
   */
  | { type: 'stepStart'; iteration: number; expectedMs: number | null }
  /**
   * A tiled stage's step finished a tile (0-based, of `tiles` in that sweep): the style targets'
   * sweep, the image's forward-only sweep for its Grams, or the pass itself.
   */
  | {
      type: 'tileProgress';
      iteration: number;
      tile: number;
      tiles: number;
      sweep: 'style' | 'measure' | 'gradient';
    }
  /**
   * The last good image and the optimiser state, sent with every good iteration, so a page that
   * has to replace the worker can resume the run from it. L-BFGS' curvature pairs stay in the
   * worker (up to 20 image-sized arrays per iteration would be too much to copy).
   */
  | { type: 'checkpoint'; checkpoint: StagedCheckpoint }
  | { type: 'error'; where: ErrorWhere; message: string }
  | {
      type: 'memoryReport';
      requestId: number;
      backend: string;
      numTensors: number;
      numBytes: number;
      /** Only the webgl backend reports it. */
      numBytesInGPU: number | null;
    }
  | {
      type: 'download';
      requestId: number;
      width: number;
      height: number;
      iteration: number;
      png: ArrayBuffer;
    };
