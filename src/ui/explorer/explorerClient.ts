/**
 * The only UI module that talks to the explorer worker. The worker starts when the view opens
 * (this module is part of the lazily loaded view) and is restarted when the page's weights or
 * backend change, so it always shows the network the style transfer uses.
 */
import type { ConvLayerName } from '../../model/topology';
import type { BackendChoice, PixelImage } from '../../worker/protocol';
import type { ExplorerWeights, FromExplorer, ToExplorer } from '../../worker/explorerProtocol';
import { useExplorer, type SearchedImage, type GramView } from './explorerStore';

type GramReply = Extract<FromExplorer, { type: 'gram' }>;

class ExplorerClient {
  private worker: Worker | null = null;
  private key = '';
  private nextRequest = 1;
  private pendingSearch: {
    requestId: number;
    images: SearchedImage[];
    workingSize: number;
  } | null = null;
  private grams = new Map<
    number,
    { resolve: (r: GramReply) => void; reject: (e: Error) => void }
  >();

  /** Starts (or restarts) the worker for these weights and backend; a no-op when unchanged. */
  connect(weights: ExplorerWeights, backend: BackendChoice): void {
    const key = `${weights}/${backend}`;
    if (this.worker && this.key === key) return;
    this.disconnect();
    this.key = key;
    const worker = new Worker(new URL('../../worker/explorerWorker.ts', import.meta.url), {
      type: 'module',
    });
    this.worker = worker;
    worker.onmessage = (ev: MessageEvent<FromExplorer>) => {
      if (this.worker === worker) this.receive(ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (this.worker !== worker) return;
      useExplorer.getState().setWorker({
        status: 'error',
        message: `The explorer worker failed: ${ev.message || 'it could not load'}`,
      });
      this.disconnect();
    };
    const st = useExplorer.getState();
    // Filters and Grams belong to the weights: another network shows other ones.
    st.setFilters(null);
    st.setGram(null);
    st.setWorker({ status: 'starting' });
    this.send({ type: 'init', backend, weights });
    this.send({ type: 'receptiveFields' });
  }

  disconnect(): void {
    this.worker?.terminate();
    this.worker = null;
    this.key = '';
    for (const g of this.grams.values()) g.reject(new Error('The explorer worker stopped.'));
    this.grams.clear();
    this.pendingSearch = null;
    const st = useExplorer.getState();
    if (st.search) st.setSearch(null);
    if (st.worker.status !== 'error') st.setWorker({ status: 'off' });
  }

  private send(msg: ToExplorer, transfer: Transferable[] = []): void {
    if (!this.worker) throw new Error('The explorer worker is not running');
    this.worker.postMessage(msg, transfer);
  }

  /** Searches the pool (pixels at the working size; `images` are the same, kept for drawing). */
  search(layer: ConvLayerName, pixels: PixelImage[], images: SearchedImage[]): void {
    const st = useExplorer.getState();
    if (st.search) this.send({ type: 'cancel', requestId: st.search.requestId });
    const requestId = this.nextRequest++;
    this.pendingSearch = { requestId, images, workingSize: st.workingSize };
    st.setError(null);
    st.setSearch({ requestId, done: 0, total: pixels.length });
    this.send(
      { type: 'topNine', requestId, layer, images: pixels },
      pixels.map((p) => p.data),
    );
  }

  cancel(): void {
    const s = useExplorer.getState().search;
    if (s) this.send({ type: 'cancel', requestId: s.requestId });
  }

  requestFilters(): void {
    this.send({ type: 'filters' });
  }

  /** Gram matrices of style and generated at `layer`. */
  gram(
    layer: ConvLayerName,
    styleKey: string,
    style: PixelImage,
    generated: PixelImage,
  ): Promise<GramReply> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.grams.set(requestId, { resolve, reject });
      const transfer = [generated.data, style.data];
      this.send({ type: 'gram', requestId, layer, styleKey, style, generated }, transfer);
    });
  }

  private receive(msg: FromExplorer): void {
    const st = useExplorer.getState();
    switch (msg.type) {
      case 'starting': {
        const mb = (n: number) => (n / 2 ** 20).toFixed(1);
        const step =
          msg.step === 'backend'
            ? 'starting the compute backend'
            : msg.step === 'weights'
              ? `reading the weights${msg.total ? ` (${mb(msg.loaded ?? 0)} of ${mb(msg.total)} MB)` : ''}`
              : 'putting the weights on the backend';
        st.setWorker({ status: 'starting', step });
        break;
      }
      case 'ready':
        st.setWorker({ status: 'ready', backend: msg.backend, label: msg.label });
        break;
      case 'receptiveFields':
        st.setFields(msg.fields);
        break;
      case 'progress':
        if (st.search?.requestId === msg.requestId) {
          st.setSearch({ requestId: msg.requestId, done: msg.done, total: msg.total });
        }
        break;
      case 'topNine': {
        const pending = this.pendingSearch;
        if (!pending || pending.requestId !== msg.requestId) break;
        this.pendingSearch = null;
        st.setSearch(null);
        st.setResult({
          layer: msg.layer,
          field: msg.field,
          units: msg.units,
          images: pending.images,
          workingSize: pending.workingSize,
          elapsedMs: msg.elapsedMs,
        });
        break;
      }
      case 'cancelled':
        if (st.search?.requestId === msg.requestId) st.setSearch(null);
        break;
      case 'filters':
        st.setFilters({ count: msg.count, size: msg.size, rgba: new Uint8ClampedArray(msg.rgba) });
        break;
      case 'gram':
        this.grams.get(msg.requestId)?.resolve(msg);
        this.grams.delete(msg.requestId);
        break;
      case 'error':
        if (msg.where === 'init') {
          st.setWorker({ status: 'error', message: msg.message });
        } else if (msg.where === 'gram' && msg.requestId !== undefined) {
          this.grams.get(msg.requestId)?.reject(new Error(msg.message));
          this.grams.delete(msg.requestId);
        } else {
          if (msg.where === 'topNine' && st.search?.requestId === msg.requestId) st.setSearch(null);
          st.setError(`${msg.where}: ${msg.message}`);
        }
        break;
    }
  }
}

export const explorerClient = new ExplorerClient();

/** A Gram reply as the view keeps it. */
export function toGramView(r: GramReply, iteration: number): GramView {
  return {
    layer: r.layer,
    channels: r.channels,
    style: new Float32Array(r.style),
    generated: new Float32Array(r.generated),
    iteration,
  };
}
