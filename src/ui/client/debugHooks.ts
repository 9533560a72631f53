/**
 * What e2e tests reach through window.__styleDebug: installed only when the page was opened with
 * ?debug (the client imports this module then, and only then).
 */
import { outputSize } from '../geometry';
import { bitmapToPixels } from '../imagePixels';
import { useStore, type ImageSlot } from '../store';
import type { DebugAction } from '../../worker/protocol';
import type { MemoryReport } from './requests';

export interface StyleDebugHooks {
  memory(): Promise<MemoryReport>;
  loseContext(): void;
  crash(): void;
  /** The worker calls close() as its next step starts: it dies without an error event. */
  closeWorker(): void;
  /** The next step's allocation fails as if the backend ran out of memory. */
  failAllocation(): void;
  /** Runs started from now on tile every stage above 256 px (cheap tiled runs). */
  forceTiles(): void;
  /** RGBA that Start would build from the slot's image (at that image's own output size). */
  inputPixels(slot: ImageSlot): { width: number; height: number; rgba: number[] } | null;
}

export function installDebugHooks(client: {
  memory(): Promise<MemoryReport>;
  debug(action: DebugAction): void;
}): void {
  const hooks: StyleDebugHooks = {
    memory: () => client.memory(),
    loseContext: () => client.debug('loseContext'),
    crash: () => client.debug('crash'),
    closeWorker: () => client.debug('closeSelf'),
    failAllocation: () => client.debug('failAllocation'),
    forceTiles: () => client.debug('forceTiles'),
    inputPixels: (slot) => {
      const s = useStore.getState();
      const img = s[slot];
      if (!img) return null;
      const p = bitmapToPixels(img.bitmap, outputSize(img, s.outputLongSide));
      return { width: p.width, height: p.height, rgba: Array.from(new Uint8Array(p.data)) };
    },
  };
  (window as unknown as { __styleDebug: StyleDebugHooks }).__styleDebug = hooks;
}
