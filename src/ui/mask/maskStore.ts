/**
 * The spatial mask being edited (issue 22): a label map at the content's aspect ratio, 2 to 4
 * regions each with a job, the region unpainted pixels follow, and the editor's tool state with
 * undo and redo. `version` moves on every change a run would see (kept, sent live, saved).
 */
import { create } from 'zustand';
import { MAX_REGIONS, type RegionJob, type SpatialMask } from '../../worker/protocol';
import { maskSizeFor } from './maskOps';

export const MIN_REGIONS = 2;
const UNDO_DEPTH = 50;

export type MaskTool = 'brush' | 'eraser' | 'fill';

/** What is kept across reloads and in PNGs: the mask and whether runs use it. */
export interface KeptMask {
  enabled: boolean;
  mask: SpatialMask;
}

export interface MaskState {
  /** Runs use the mask (otherwise every style goes everywhere, blended). */
  enabled: boolean;
  width: number;
  height: number;
  labels: Uint8Array;
  regions: RegionJob[];
  defaultRegion: number;
  /** Region the brush and the fill paint (0-based). */
  active: number;
  tool: MaskTool;
  /** Brush radius in mask pixels. */
  brushSize: number;
  undo: Uint8Array[];
  redo: Uint8Array[];
  version: number;
  /** What the run going on last took: the iteration and its region count (0: no mask). */
  applied: { iteration: number; regions: number } | null;
}

const DEFAULT_REGIONS: RegionJob[] = [{ kind: 'style', style: 0 }, { kind: 'content' }];

function blank(w: number, h: number): Pick<MaskState, 'width' | 'height' | 'labels'> {
  return { width: w, height: h, labels: new Uint8Array(w * h) };
}

export const useMask = create<MaskState>(() => ({
  enabled: false,
  ...blank(...maskSizeFor(4, 3)),
  regions: DEFAULT_REGIONS,
  defaultRegion: 0,
  active: 0,
  tool: 'brush',
  brushSize: 12,
  undo: [],
  redo: [],
  version: 0,
  applied: null,
}));

const set = useMask.setState;
const get = useMask.getState;
const bump = () => get().version + 1;

/** A map for a content of w x h: the current one if it has that aspect ratio, else a clear one. */
export function fitMaskTo(w: number, h: number): void {
  const [mw, mh] = maskSizeFor(w, h);
  const s = get();
  if (s.width === mw && s.height === mh) return;
  set({ ...blank(mw, mh), undo: [], redo: [], version: bump() });
}

/** Replaces the labels (a finished stroke, a fill, an import) as one undoable step. */
export function commitLabels(labels: Uint8Array): void {
  const s = get();
  if (labels.length !== s.labels.length) throw new Error('mask size changed under the edit');
  set({
    labels,
    undo: [...s.undo.slice(-(UNDO_DEPTH - 1)), s.labels],
    redo: [],
    version: bump(),
  });
}

export function undoMask(): void {
  const s = get();
  const prev = s.undo.at(-1);
  if (!prev) return;
  set({ labels: prev, undo: s.undo.slice(0, -1), redo: [...s.redo, s.labels], version: bump() });
}

export function redoMask(): void {
  const s = get();
  const next = s.redo.at(-1);
  if (!next) return;
  set({ labels: next, redo: s.redo.slice(0, -1), undo: [...s.undo, s.labels], version: bump() });
}

export function clearMask(): void {
  const s = get();
  if (s.labels.every((l) => l === 0)) return;
  commitLabels(new Uint8Array(s.labels.length));
}

/** 2 to 4 regions; labels of regions removed become unpainted. */
export function setRegionCount(n: number): void {
  const s = get();
  const count = Math.min(MAX_REGIONS, Math.max(MIN_REGIONS, n));
  if (count === s.regions.length) return;
  const regions = Array.from(
    { length: count },
    (_, r): RegionJob => s.regions[r] ?? { kind: 'content' },
  );
  if (s.labels.some((l) => l > count)) commitLabels(s.labels.map((l) => (l > count ? 0 : l)));
  set({
    regions,
    active: Math.min(s.active, count - 1),
    defaultRegion: Math.min(s.defaultRegion, count - 1),
    version: bump(),
  });
}

export function setRegionJob(r: number, job: RegionJob): void {
  set({ regions: get().regions.map((j, i) => (i === r ? job : j)), version: bump() });
}

export function setDefaultRegion(r: number): void {
  set({ defaultRegion: r, version: bump() });
}

export function setMaskEnabled(enabled: boolean): void {
  set({ enabled, version: bump() });
}

export function setActiveRegion(r: number): void {
  if (r >= 0 && r < get().regions.length) set({ active: r });
}

export function setTool(tool: MaskTool): void {
  set({ tool });
}

export function setBrushSize(brushSize: number): void {
  set({ brushSize });
}

/** The worker reports which mask a run took (null: a new run, nothing taken yet). */
export function noteMaskApplied(applied: MaskState['applied']): void {
  set({ applied });
}

/** The mask as kept (a copy of the labels). */
export function keptMask(): KeptMask {
  const s = get();
  return {
    enabled: s.enabled,
    mask: {
      width: s.width,
      height: s.height,
      labels: new Uint8Array(s.labels),
      regions: s.regions.map((j) => ({ ...j })),
      defaultRegion: s.defaultRegion,
    },
  };
}

/** Puts a kept mask back (a reload, a PNG); undoable when the map keeps its size. */
export function loadKeptMask(k: KeptMask): void {
  const s = get();
  const { mask } = k;
  const sameSize = mask.width === s.width && mask.height === s.height;
  set({
    enabled: k.enabled,
    width: mask.width,
    height: mask.height,
    labels: new Uint8Array(mask.labels),
    regions: mask.regions.map((j) => ({ ...j })),
    defaultRegion: mask.defaultRegion,
    active: Math.min(s.active, mask.regions.length - 1),
    undo: sameSize ? [...s.undo, s.labels] : [],
    redo: [],
    version: bump(),
  });
}

/**
 * The mask a run with `styleCount` styles gets, or null when runs do not use it. A job naming a
 * style that is no longer loaded takes style 1 (the editor lists only loaded styles).
 */
export function maskForRun(styleCount: number): SpatialMask | null {
  const k = keptMask();
  if (!k.enabled) return null;
  return {
    ...k.mask,
    regions: k.mask.regions.map((j) =>
      j.kind === 'style' && j.style >= styleCount ? { kind: 'style', style: 0 } : j,
    ),
  };
}
