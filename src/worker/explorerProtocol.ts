/**
 * Messages between the page's "Explore the network" view and the explorer worker (a second worker
 * of the style worker's kind: its own tfjs backend and its own copy of the weights, from the same
 * IndexedDB cache), so a long top-nine search freezes neither the page nor a running style transfer.
 * Both sides import these types.
 */
import type { ConvLayerName } from '../model/topology';
import type { BackendChoice, BackendName, PixelImage } from './protocol';

export type { PixelImage } from './protocol';

/** Which cached weights to load: the style worker has already put them in the cache. */
export type ExplorerWeights = 'pretrained' | 'demo';

export interface ReceptiveFieldInfo {
  size: number;
  jump: number;
  start: number;
}

/** One of a unit's best patches: pool image, unit location, activation, clipped field in pixels. */
export interface PatchHitInfo {
  image: number;
  row: number;
  col: number;
  value: number;
  bounds: PixelRect;
  /** The whole field (sticks out of the image at its borders): where `bounds` sits in a patch. */
  field: PixelRect;
}

/** [top, bottom) x [left, right) in the pool image's pixels. */
export interface PixelRect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export type ToExplorer =
  | { type: 'init'; backend: BackendChoice; weights: ExplorerWeights }
  /** Every conv layer's receptive field (answered with 'receptiveFields'). */
  | { type: 'receptiveFields' }
  /** The top-k search over `images` (the pool, already at the working size). */
  | {
      type: 'topNine';
      requestId: number;
      layer: ConvLayerName;
      images: PixelImage[];
    }
  /** Stops the search in progress after the image it is on. */
  | { type: 'cancel'; requestId: number }
  | { type: 'filters' }
  /**
   * Gram matrices of style and generated at `layer`. `styleKey` names the style pixels: the worker
   * keeps the last style Gram and reuses it while key and layer stay the same.
   */
  | {
      type: 'gram';
      requestId: number;
      layer: ConvLayerName;
      styleKey: string;
      style: PixelImage;
      generated: PixelImage;
    };

export type FromExplorer =
  /** Start-up steps, so the page can say where loading stands. */
  | { type: 'starting'; step: 'backend' | 'weights' | 'tensors'; loaded?: number; total?: number }
  | { type: 'ready'; backend: BackendName; label: ExplorerWeights }
  | { type: 'receptiveFields'; fields: Record<ConvLayerName, ReceptiveFieldInfo> }
  | { type: 'progress'; requestId: number; done: number; total: number }
  | {
      type: 'topNine';
      requestId: number;
      layer: ConvLayerName;
      field: ReceptiveFieldInfo;
      /** units[u] = unit u's best patches across the pool, best first. */
      units: PatchHitInfo[][];
      elapsedMs: number;
    }
  | { type: 'cancelled'; requestId: number }
  /** block1_conv1's kernels: `count` RGBA images of size x size, contrast-stretched, RGB order. */
  | { type: 'filters'; count: number; size: number; rgba: ArrayBuffer }
  | {
      type: 'gram';
      requestId: number;
      layer: ConvLayerName;
      channels: number;
      style: ArrayBuffer;
      generated: ArrayBuffer;
    }
  | {
      type: 'error';
      where: 'init' | 'topNine' | 'filters' | 'gram' | 'protocol';
      requestId?: number;
      message: string;
    };
