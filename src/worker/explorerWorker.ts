/**
 * The explorer worker: the top-nine search, the first-layer filters and the Gram views of
 * "Explore the network". Started by the page only when that view opens; it loads the weights from
 * the IndexedDB cache the style worker filled (or from the network like it), on the same backend
 * choice. Requests run one at a time; a search yields between images so 'cancel' lands.
 */
import { searchTopK } from '../engine/explorer/topNine';
import { RECEPTIVE_FIELDS } from '../engine/explorer/receptiveField';
import { firstLayerFilterImages } from '../engine/explorer/firstLayerFilters';
import { gramAt } from '../engine/explorer/gram';
import type { ConvLayerName } from '../model/topology';
import { loadWeights } from '../model/loader';
import { toTensors, type RawVgg16Weights, type Vgg16Weights } from '../model/weights';
import { activateBackend } from './backend';
import { messageOf, unknownMessageError } from './errors';
import { pixelsToTensor } from './pixels';
import type { FromExplorer, ToExplorer } from './explorerProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(msg: FromExplorer, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

let raw: RawVgg16Weights | null = null;
let weights: Vgg16Weights | null = null;
/** Request ids the page cancelled; the search checks between images. */
const cancelled = new Set<number>();
/** The last style Gram, reused while the style image and layer stay the same. */
let styleGram: { key: string; layer: ConvLayerName; values: Float32Array } | null = null;

class Cancelled extends Error {}

function needWeights(): Vgg16Weights {
  if (!weights) throw new Error('The explorer has no weights yet.');
  return weights;
}

async function init(msg: Extract<ToExplorer, { type: 'init' }>): Promise<void> {
  try {
    post({ type: 'starting', step: 'backend' });
    const pick = await activateBackend(msg.backend, null);
    post({ type: 'starting', step: 'weights', loaded: 0, total: 0 });
    const baseUrl = new URL(import.meta.env.BASE_URL + 'models/', self.location.origin);
    const loaded = await loadWeights(
      { kind: msg.weights },
      {
        baseUrl,
        onProgress: (p) =>
          post({ type: 'starting', step: 'weights', loaded: p.loaded, total: p.total }),
      },
    );
    post({ type: 'starting', step: 'tensors' });
    raw = loaded.raw;
    weights = toTensors(raw);
    post({ type: 'ready', backend: pick.backend, label: loaded.label });
  } catch (e) {
    post({ type: 'error', where: 'init', message: messageOf(e) });
  }
}

/** Lets queued messages (a cancel) in between two images. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function topNine(msg: Extract<ToExplorer, { type: 'topNine' }>): Promise<void> {
  const { requestId, images } = msg;
  if (cancelled.delete(requestId)) {
    post({ type: 'cancelled', requestId });
    return;
  }
  try {
    const w = needWeights();
    if (images.length === 0) throw new Error('The pool is empty: add images first.');
    const t0 = performance.now();
    post({ type: 'progress', requestId, done: 0, total: images.length });
    const result = await searchTopK(w, msg.layer, images.length, (i) => pixelsToTensor(images[i]), {
      afterImage: async (done) => {
        post({ type: 'progress', requestId, done, total: images.length });
        await yieldToEvents();
        if (cancelled.has(requestId)) throw new Cancelled();
      },
    });
    post({
      type: 'topNine',
      requestId,
      layer: result.layer,
      field: result.field,
      units: result.units,
      elapsedMs: performance.now() - t0,
    });
  } catch (e) {
    if (e instanceof Cancelled) post({ type: 'cancelled', requestId });
    else post({ type: 'error', where: 'topNine', requestId, message: messageOf(e) });
  } finally {
    cancelled.delete(requestId);
  }
}

function filters(): void {
  try {
    const k = raw?.block1_conv1;
    if (!k) throw new Error('The explorer has no weights yet.');
    const img = firstLayerFilterImages(k.kernel);
    const px = img.size * img.size;
    const rgba = new Uint8ClampedArray(img.count * px * 4);
    for (let i = 0; i < img.count * px; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Math.round(img.rgb[i * 3 + c] * 255);
      rgba[i * 4 + 3] = 255;
    }
    post({ type: 'filters', count: img.count, size: img.size, rgba: rgba.buffer }, [rgba.buffer]);
  } catch (e) {
    post({ type: 'error', where: 'filters', message: messageOf(e) });
  }
}

async function gramOf(
  w: Vgg16Weights,
  pixels: Parameters<typeof pixelsToTensor>[0],
  layer: ConvLayerName,
) {
  const img = pixelsToTensor(pixels);
  try {
    return await gramAt(w, img, layer);
  } finally {
    img.dispose();
  }
}

async function gram(msg: Extract<ToExplorer, { type: 'gram' }>): Promise<void> {
  try {
    const w = needWeights();
    if (!styleGram || styleGram.key !== msg.styleKey || styleGram.layer !== msg.layer) {
      const g = await gramOf(w, msg.style, msg.layer);
      styleGram = { key: msg.styleKey, layer: msg.layer, values: g.values };
    }
    const gen = await gramOf(w, msg.generated, msg.layer);
    const style = styleGram.values.slice();
    post(
      {
        type: 'gram',
        requestId: msg.requestId,
        layer: msg.layer,
        channels: gen.channels,
        style: style.buffer,
        generated: gen.values.buffer as ArrayBuffer,
      },
      [style.buffer, gen.values.buffer as ArrayBuffer],
    );
  } catch (e) {
    post({ type: 'error', where: 'gram', requestId: msg.requestId, message: messageOf(e) });
  }
}

let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void> | void): void {
  queue = queue
    .then(job)
    .catch((e) => post({ type: 'error', where: 'protocol', message: messageOf(e) }));
}

scope.onmessage = (ev: MessageEvent<ToExplorer>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'init':
      enqueue(() => init(msg));
      break;
    case 'receptiveFields':
      post({ type: 'receptiveFields', fields: { ...RECEPTIVE_FIELDS } });
      break;
    case 'topNine':
      enqueue(() => topNine(msg));
      break;
    case 'cancel':
      // Acts at once: the search in progress sees it after its current image.
      cancelled.add(msg.requestId);
      break;
    case 'filters':
      enqueue(filters);
      break;
    case 'gram':
      enqueue(() => gram(msg));
      break;
    default:
      post(unknownMessageError(msg));
  }
};

scope.onunhandledrejection = (ev) => {
  post({ type: 'error', where: 'protocol', message: messageOf(ev.reason) });
};
