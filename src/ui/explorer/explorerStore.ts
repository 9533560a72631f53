/**
 * State of the "Explore the network" view (session only): the extra images of the pool, the working
 * size, the search and its result, the first-layer filters and the Gram view.
 */
import { create } from 'zustand';
import type { ConvLayerName } from '../../model/topology';
import type { BackendName } from '../../worker/protocol';
import type { PatchHitInfo, ReceptiveFieldInfo } from '../../worker/explorerProtocol';

/** An image added to the pool in the explorer (the page's content, style and result join it). */
export interface ExtraImage {
  id: number;
  name: string;
  bitmap: ImageBitmap;
  url: string;
}

/** A pool image as the search saw it: at the working size, kept to cut the patches from. */
export interface SearchedImage {
  name: string;
  source: 'content' | 'style' | 'generated' | 'extra';
  bitmap: ImageBitmap;
}

export type UnitOrder = 'first' | 'top';

export interface SearchResult {
  layer: ConvLayerName;
  field: ReceptiveFieldInfo;
  units: PatchHitInfo[][];
  images: SearchedImage[];
  /** Longer side of the pool images in this search. */
  workingSize: number;
  elapsedMs: number;
}

export interface ExplorerWorkerStatus {
  status: 'off' | 'starting' | 'ready' | 'error';
  /** While starting: what it is doing (backend, reading weights with bytes, making tensors). */
  step?: string;
  backend?: BackendName;
  label?: 'pretrained' | 'demo';
  message?: string;
}

export interface GramView {
  layer: ConvLayerName;
  channels: number;
  style: Float32Array;
  generated: Float32Array;
  /** The run's iteration whose image gave `generated`. */
  iteration: number;
}

export const DEFAULT_WORKING_SIZE = 224;
export const MIN_WORKING_SIZE = 32;
export const MAX_WORKING_SIZE = 512;

interface ExplorerState {
  worker: ExplorerWorkerStatus;
  fields: Record<ConvLayerName, ReceptiveFieldInfo> | null;
  extras: ExtraImage[];
  /** Which of the page's images join the pool. */
  include: { content: boolean; style: boolean; generated: boolean };
  workingSize: number;
  layer: ConvLayerName;
  order: UnitOrder;
  perPage: number;
  page: number;
  search: { requestId: number; done: number; total: number } | null;
  result: SearchResult | null;
  filters: { count: number; size: number; rgba: Uint8ClampedArray } | null;
  gramLayer: ConvLayerName | null;
  gram: GramView | null;
  error: string | null;

  setWorker(w: ExplorerWorkerStatus): void;
  setFields(f: Record<ConvLayerName, ReceptiveFieldInfo>): void;
  addExtras(images: ExtraImage[]): void;
  removeExtra(id: number): void;
  setInclude(key: keyof ExplorerState['include'], on: boolean): void;
  setWorkingSize(n: number): void;
  setLayer(l: ConvLayerName): void;
  setOrder(o: UnitOrder): void;
  setPerPage(n: number): void;
  setPage(n: number): void;
  setSearch(s: ExplorerState['search']): void;
  setResult(r: SearchResult | null): void;
  setFilters(f: ExplorerState['filters']): void;
  setGramLayer(l: ConvLayerName): void;
  setGram(g: GramView | null): void;
  setError(e: string | null): void;
}

export const useExplorer = create<ExplorerState>()((set) => ({
  worker: { status: 'off' },
  fields: null,
  extras: [],
  include: { content: true, style: true, generated: true },
  workingSize: DEFAULT_WORKING_SIZE,
  layer: 'block3_conv1',
  order: 'first',
  perPage: 16,
  page: 0,
  search: null,
  result: null,
  filters: null,
  gramLayer: null,
  gram: null,
  error: null,

  setWorker: (worker) => set({ worker }),
  setFields: (fields) => set({ fields }),
  addExtras: (images) => set((s) => ({ extras: [...s.extras, ...images] })),
  removeExtra: (id) =>
    set((s) => {
      const gone = s.extras.find((e) => e.id === id);
      if (gone) URL.revokeObjectURL(gone.url);
      return { extras: s.extras.filter((e) => e.id !== id) };
    }),
  setInclude: (key, on) => set((s) => ({ include: { ...s.include, [key]: on } })),
  setWorkingSize: (workingSize) => set({ workingSize }),
  setLayer: (layer) => set({ layer }),
  setOrder: (order) => set({ order, page: 0 }),
  setPerPage: (perPage) => set({ perPage, page: 0 }),
  setPage: (page) => set({ page }),
  setSearch: (search) => set({ search }),
  setResult: (result) => set({ result, page: 0 }),
  setFilters: (filters) => set({ filters }),
  setGramLayer: (gramLayer) => set({ gramLayer, gram: null }),
  setGram: (gram) => set({ gram }),
  setError: (error) => set({ error }),
}));
