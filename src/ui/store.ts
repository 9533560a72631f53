/**
 * The page's state. Settings, output size, budget, backend and the weights choice persist in
 * localStorage (zustand persist); images, weights status and run progress live for the session.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { DEFAULT_SETTINGS, MAX_STYLES, type StyleSettings } from '../worker/protocol';
import type { ConvLayerName } from '../model/topology';
import type {
  BackendChoice,
  BackendName,
  Calibration,
  LossReport,
  RunState,
  StageReport,
} from '../worker/protocol';
import { PRIOR_WASM, type RunSample } from './cost/deviceCost';
import type { RunPlan } from './cost/costModel';
import { suggestRun } from './cost/suggest';

export type ImageSlot = 'content' | 'style';

export interface PickedImage {
  name: string;
  bitmap: ImageBitmap;
  width: number;
  height: number;
  /** Object URL of the thumbnail (made from the decoded pixels: upright, on white, frame 1). */
  url: string;
  /** Size as stored in the file (upright), before scaling down on load. */
  originalWidth: number;
  originalHeight: number;
  /** What intake did to it (scaled down, first frame, transparency on white), for the UI. */
  notes: string[];
  /** Size of the file in bytes (with name and pixel size, tells a second copy of the same file). */
  fileBytes: number;
  /** The file as picked: kept in IndexedDB so the image comes back after a reload. */
  source: Blob;
}

/** What the current run was started with: later changes to these apply only at the next start. */
export interface RunInputs {
  content: PickedImage;
  style: PickedImage;
  longSide: number;
}

export type WeightsChoice = 'pretrained' | 'demo';

export interface WeightsStatus {
  status: 'idle' | 'loading' | 'ready' | 'missing' | 'error';
  phase?: 'cache' | 'download' | 'convert';
  loaded?: number;
  total?: number;
  label?: 'pretrained' | 'demo';
  origin?: 'cache' | 'network' | 'file';
  bytes?: number;
  message?: string;
  /** The .h5 file a failed load came from, so the message can name it. */
  fileName?: string;
  /**
   * Other weights being fetched or checked while these stay in use (status 'ready'): they replace
   * these only once they loaded and proved to be VGG16.
   */
  pending?: { what: string; loaded: number; total: number };
  /** The page looked for pretrained weights, found none, and loaded the demo ones instead. */
  pretrainedMissing?: boolean;
  /** Why the last attempt to change weights failed, while these stayed in use. */
  problem?: { kind: 'not-found' | 'format' | 'other'; message: string; fileName?: string };
}

export interface BackendInfo {
  backend: BackendName;
  renderer: string | null;
  warning: string | null;
  /** wasm's thread pool (1 elsewhere). */
  threads: number;
  crossOriginIsolated: boolean;
}

export interface RunInfo {
  state: RunState;
  iteration: number;
  maxIterations: number;
  avgStepMs: number;
  losses: LossReport | null;
  /** The settings the worker last reported as applied to the run. */
  applied: StyleSettings | null;
  message: string | null;
  width: number | null;
  height: number | null;
  /** Pause or Stop was asked and takes effect when the step in flight ends. */
  pending: 'pausing' | 'stopping' | null;
  /** The images and size the run started with (null before the first start). */
  inputs: RunInputs | null;
  /** performance.now() when Start was pressed, for the "preparing" clock. */
  startedAt: number | null;
  /** The coarse-to-fine stage of the last iteration. */
  stage: StageReport | null;
  /** The last tile a tiled stage's step in flight finished (null between steps). */
  tile: TileReport | null;
  /** The image shown is a result kept from before a reload: Resume starts a run from it. */
  restored: boolean;
  /** Progress up to this iteration is kept outside the page (downloaded, or restored from storage). */
  keptIteration: number;
  /** What the run was planned as when it started, and the backend the page picked for it. */
  plan: RunPlan | null;
  backend: BackendName | null;
  /** The current stage's measured step so far (time left follows it). */
  liveSample: RunSample | null;
  /** The worker has taken this run up (until then it finishes the job before it). */
  workerStarted: boolean;
}

export interface TileReport {
  iteration: number;
  tile: number;
  tiles: number;
  sweep: 'style' | 'measure' | 'gradient';
}

export interface LossHistory {
  iteration: number[];
  total: number[];
  content: number[];
  style: number[];
}

const EMPTY_HISTORY: LossHistory = { iteration: [], total: [], content: [], style: [] };
const IDLE_RUN: RunInfo = {
  state: 'idle',
  iteration: 0,
  maxIterations: 0,
  avgStepMs: 0,
  losses: null,
  applied: null,
  message: null,
  width: null,
  height: null,
  pending: null,
  inputs: null,
  startedAt: null,
  stage: null,
  tile: null,
  restored: false,
  keptIteration: 0,
  plan: null,
  backend: null,
  liveSample: null,
  workerStarted: false,
};

/** Blend weights for `count` styles: the kept ones, new styles at 1. */
export function blendFor(count: number, blend: readonly number[]): number[] {
  return Array.from({ length: count }, (_, i) => blend[i] ?? 1);
}

/**
 * Before any measurement on this device: what a first result in about 2 minutes costs on this
 * project's machine. The first measurement (about a second, on a first visit) replaces it.
 */
const DEFAULT_SUGGESTION = suggestRun(
  { ...PRIOR_WASM, stageSetupIterations: 1 },
  null,
  DEFAULT_SETTINGS.multiscale,
);
/** Run samples kept (a few runs' stages on each backend). */
const KEPT_SAMPLES = 48;

interface PersistedSlice {
  settings: StyleSettings;
  outputLongSide: number;
  maxIterations: number;
  /**
   * Size and iterations are the person's: set by hand, or used by a run. Until then (a first
   * visit) they follow what this device's measurements suggest; afterwards only a click changes them.
   */
  runChosen: boolean;
  /** Real runs' measured steps on this device, one per stage (the cost model's best figures). */
  runSamples: RunSample[];
  /** A stage's measured start (targets, first step) in iterations of that stage, per backend. */
  stageSetup: Partial<Record<BackendName, number>>;
  backend: BackendChoice;
  weightsChoice: WeightsChoice;
}

interface SessionSlice {
  content: PickedImage | null;
  style: PickedImage | null;
  /** Styles 2 to MAX_STYLES, blended with the first by settings.styleBlend. */
  extraStyles: PickedImage[];
  weights: WeightsStatus;
  backendInfo: BackendInfo | null;
  run: RunInfo;
  history: LossHistory;
  error: string | null;
  /** An informational line (not an error), e.g. which of several dropped files were used. */
  notice: string | null;
  /** Auto's measured backend figures for this device (cached in localStorage by the client). */
  calibration: Calibration | null;
  /**
   * The backend being measured in the background, while a calibration runs; `waiting`: its
   * measuring waits until the run in progress ends (../cost/calibrationRunner.ts).
   */
  calibrating: {
    backend: BackendName;
    index: number;
    count: number;
    software: boolean;
    waiting: boolean;
  } | null;
  /** Bumped when the worker is replaced: the preview <canvas> remounts to be transferable again. */
  workerGeneration: number;
  /** The largest output that fits in memory on a backend, for the content's shape and settings. */
  fitLimit: FitLimit | null;
  /** Why Start refused the size (shown next to the size field), or null. */
  sizeRefusal: string | null;
}

export interface FitLimit {
  backend: BackendName;
  /** What it was worked out for: the content's shape and the settings' layers. */
  key: string;
  /** null: any size the field takes fits. */
  largestLongSide: number | null;
  /** Above this long side stages run in tiles (null or absent: no size that fits needs them). */
  untiledLongSide?: number | null;
}

interface Actions {
  setSettings(patch: Partial<StyleSettings>): void;
  setStyleLayerWeight(name: ConvLayerName, weight: number): void;
  addStyleLayer(name: ConvLayerName): void;
  removeStyleLayer(name: ConvLayerName): void;
  resetSettings(): void;
  /** By the person (marks the run size as chosen). */
  setOutputLongSide(px: number): void;
  setMaxIterations(n: number): void;
  /** Measured steps of a run (never changes a setting). */
  addRunSamples(samples: RunSample[]): void;
  setStageSetup(backend: BackendName, iterations: number): void;
  /** Size and iterations as suggested: by the person's click ("Use these"). */
  applySuggestion(g: { longSide: number; iterations: number }): void;
  /** A first visit's defaults from this device's measurements; ignored once the values are the person's. */
  applyDefaults(g: { longSide: number; iterations: number }): void;
  setBackend(b: BackendChoice): void;
  setWeightsChoice(c: WeightsChoice): void;
  setImage(slot: ImageSlot, img: PickedImage | null): void;
  addExtraStyle(img: PickedImage): void;
  removeExtraStyle(index: number): void;
  /** Blend weight of style i (0 = the first style). */
  setBlendWeight(index: number, weight: number): void;
  setWeights(w: WeightsStatus): void;
  setBackendInfo(b: BackendInfo | null): void;
  patchRun(patch: Partial<RunInfo>): void;
  resetRun(): void;
  /**
   * A new run replaces the old one: its inputs, size and budget, state 'starting'; `fromIteration`
   * when it goes on from a kept result.
   */
  beginRun(
    inputs: RunInputs,
    size: { width: number; height: number },
    maxIterations: number,
    fromIteration?: number,
  ): void;
  pushLosses(iteration: number, l: LossReport): void;
  setError(message: string | null): void;
  setNotice(message: string | null): void;
  setCalibration(c: Calibration | null): void;
  setCalibrating(c: AppState['calibrating']): void;
  bumpWorkerGeneration(): void;
  setFitLimit(l: FitLimit | null): void;
  setSizeRefusal(message: string | null): void;
}

export type AppState = PersistedSlice & SessionSlice & Actions;

export const useStore = create<AppState>()(
  persist(
    (set) => ({
      settings: DEFAULT_SETTINGS,
      outputLongSide: DEFAULT_SUGGESTION.longSide,
      maxIterations: DEFAULT_SUGGESTION.iterations,
      runChosen: false,
      runSamples: [],
      stageSetup: {},
      backend: 'auto',
      weightsChoice: 'pretrained',
      content: null,
      style: null,
      extraStyles: [],
      weights: { status: 'idle' },
      backendInfo: null,
      run: IDLE_RUN,
      history: EMPTY_HISTORY,
      error: null,
      notice: null,
      calibration: null,
      calibrating: null,
      workerGeneration: 0,
      fitLimit: null,
      sizeRefusal: null,

      setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
      setStyleLayerWeight: (name, weight) =>
        set((s) => ({
          settings: {
            ...s.settings,
            styleLayers: s.settings.styleLayers.map((l) =>
              l.name === name ? { ...l, weight } : l,
            ),
          },
        })),
      addStyleLayer: (name) =>
        set((s) =>
          s.settings.styleLayers.some((l) => l.name === name)
            ? s
            : {
                settings: {
                  ...s.settings,
                  styleLayers: [...s.settings.styleLayers, { name, weight: 0.2 }],
                },
              },
        ),
      removeStyleLayer: (name) =>
        set((s) => ({
          settings: {
            ...s.settings,
            styleLayers: s.settings.styleLayers.filter((l) => l.name !== name),
          },
        })),
      resetSettings: () => set({ settings: DEFAULT_SETTINGS }),
      setOutputLongSide: (px) => set({ outputLongSide: px, runChosen: true, sizeRefusal: null }),
      setMaxIterations: (n) => set({ maxIterations: n, runChosen: true }),
      applySuggestion: (g) =>
        set({ outputLongSide: g.longSide, maxIterations: g.iterations, runChosen: true }),
      applyDefaults: (g) =>
        set((s) =>
          s.runChosen || (s.outputLongSide === g.longSide && s.maxIterations === g.iterations)
            ? s
            : { outputLongSide: g.longSide, maxIterations: g.iterations },
        ),
      addRunSamples: (samples) =>
        set((s) => ({ runSamples: [...s.runSamples, ...samples].slice(-KEPT_SAMPLES) })),
      setStageSetup: (backend, iterations) =>
        set((s) => ({ stageSetup: { ...s.stageSetup, [backend]: iterations } })),
      setBackend: (backend) => set({ backend }),
      setWeightsChoice: (weightsChoice) => set({ weightsChoice }),
      setImage: (slot, img) =>
        set((s) => {
          const old = s[slot];
          // An image the run still uses stays open: it is released when the run is replaced.
          const inUse = old === s.run.inputs?.content || old === s.run.inputs?.style;
          if (old && old !== img && !inUse) {
            old.bitmap.close();
            URL.revokeObjectURL(old.url);
          }
          return slot === 'content' ? { content: img } : { style: img };
        }),
      addExtraStyle: (img) =>
        set((s) => {
          if (s.extraStyles.length >= MAX_STYLES - 1) return s;
          const extraStyles = [...s.extraStyles, img];
          const styleBlend = blendFor(1 + extraStyles.length, s.settings.styleBlend);
          return { extraStyles, settings: { ...s.settings, styleBlend } };
        }),
      removeExtraStyle: (index) =>
        set((s) => {
          const gone = s.extraStyles[index];
          if (!gone) return s;
          gone.bitmap.close();
          URL.revokeObjectURL(gone.url);
          const blend = blendFor(1 + s.extraStyles.length, s.settings.styleBlend);
          blend.splice(index + 1, 1);
          return {
            extraStyles: s.extraStyles.filter((_, i) => i !== index),
            settings: { ...s.settings, styleBlend: blend },
          };
        }),
      setBlendWeight: (index, weight) =>
        set((s) => {
          const styleBlend = blendFor(1 + s.extraStyles.length, s.settings.styleBlend);
          styleBlend[index] = weight;
          return { settings: { ...s.settings, styleBlend } };
        }),
      setWeights: (weights) => set({ weights }),
      setBackendInfo: (backendInfo) => set({ backendInfo }),
      patchRun: (patch) => set((s) => ({ run: { ...s.run, ...patch } })),
      resetRun: () =>
        set((s) => {
          releaseRetired(s);
          return { run: IDLE_RUN, history: EMPTY_HISTORY };
        }),
      beginRun: (inputs, size, maxIterations, fromIteration = 0) =>
        set((s) => {
          releaseRetired(s);
          return {
            // What a run used is the person's from now on: no measurement changes it afterwards.
            runChosen: true,
            history: EMPTY_HISTORY,
            run: {
              ...IDLE_RUN,
              state: 'starting',
              maxIterations,
              width: size.width,
              height: size.height,
              inputs,
              startedAt: performance.now(),
              iteration: fromIteration,
              keptIteration: fromIteration,
            },
          };
        }),
      pushLosses: (iteration, l) =>
        set((s) => ({
          history: {
            iteration: [...s.history.iteration, iteration],
            total: [...s.history.total, l.total],
            content: [...s.history.content, l.weightedContent],
            style: [...s.history.style, l.weightedStyle],
          },
        })),
      setError: (error) => set({ error }),
      setNotice: (notice) => set({ notice }),
      setCalibration: (calibration) => set({ calibration }),
      setCalibrating: (calibrating) => set({ calibrating }),
      setFitLimit: (fitLimit) => set({ fitLimit }),
      setSizeRefusal: (sizeRefusal) => set({ sizeRefusal }),
      bumpWorkerGeneration: () => set((s) => ({ workerGeneration: s.workerGeneration + 1 })),
    }),
    {
      name: 'style-transfer-settings',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s): PersistedSlice => ({
        settings: s.settings,
        outputLongSide: s.outputLongSide,
        maxIterations: s.maxIterations,
        runChosen: s.runChosen,
        runSamples: s.runSamples,
        stageSetup: s.stageSetup,
        backend: s.backend,
        weightsChoice: s.weightsChoice,
      }),
      // A stored blob from an older build may miss keys: fill them from the defaults.
      merge: (persisted, current) => {
        const p = (persisted ?? {}) as Partial<PersistedSlice>;
        return {
          ...current,
          ...p,
          settings: { ...DEFAULT_SETTINGS, ...(p.settings ?? {}) },
        };
      },
    },
  ),
);

/** Closes images only the finished run still held (replaced in their slots meanwhile). */
function releaseRetired(s: {
  content: PickedImage | null;
  style: PickedImage | null;
  run: RunInfo;
}) {
  for (const img of [s.run.inputs?.content, s.run.inputs?.style]) {
    if (img && img !== s.content && img !== s.style) {
      img.bitmap.close();
      URL.revokeObjectURL(img.url);
    }
  }
}

/** The run has iterations that are neither downloaded nor restored from storage: leaving loses them. */
export function hasUnsavedProgress(run: Pick<RunInfo, 'iteration' | 'keptIteration'>): boolean {
  return run.iteration > run.keptIteration;
}

/** True while a run holds the worker (its live settings can change, its inputs cannot). */
export function isRunActive(state: RunState): boolean {
  return state === 'starting' || state === 'running' || state === 'paused';
}
