/**
 * The bench worker's entry (bench.html): the product's backend set-up, the demo weights and the
 * preview draw the live loop uses, around the measuring core in ./bench.ts. Apart from the style
 * worker so that the product bundle carries no bench code (scripts/check-product-bundle.ts).
 */
import { loadWeights } from '../model/loader';
import { toTensors, type Vgg16Weights } from '../model/weights';
import { activateBackend } from './backend';
import { runBenchRequest } from './bench';
import type { BenchFromWorker, BenchToWorker } from './benchProtocol';
import { messageOf, unknownMessageError } from './errors';
import { drawPreview, previewTarget, type PreviewTarget } from './preview';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (msg: BenchFromWorker) => scope.postMessage(msg);

/** What the worker's jobs share (one worker, one bench session). */
const held: { preview: PreviewTarget | null; weights: Vgg16Weights | null } = {
  preview: null,
  weights: null,
};

async function init(msg: Extract<BenchToWorker, { type: 'init' }>): Promise<void> {
  held.preview = previewTarget(msg.canvas);
  const pick = await activateBackend(msg.backend, null);
  post({ type: 'backend', requested: msg.backend, ...pick });
}

async function load(): Promise<void> {
  const baseUrl = new URL(import.meta.env.BASE_URL + 'models/', self.location.origin);
  const loaded = await loadWeights({ kind: 'demo' }, { baseUrl });
  held.weights = toTensors(loaded.raw);
  post({ type: 'weightsLoaded', label: loaded.label, origin: loaded.origin, bytes: loaded.bytes });
}

async function bench(msg: Extract<BenchToWorker, { type: 'bench' }>): Promise<void> {
  try {
    if (!held.weights) throw new Error('Load weights before benchmarking.');
    // An async readback, as the live loop does: WebGPU loses its device on dataSync.
    const result = await runBenchRequest(held.weights, msg.request, async (img) => {
      const [height, width] = img.shape;
      drawPreview(held.preview, { height, width, rgb: await img.data() });
    });
    post({ type: 'benchResult', requestId: msg.requestId, result, error: null });
  } catch (e) {
    post({ type: 'benchResult', requestId: msg.requestId, result: null, error: messageOf(e) });
  }
}

let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void>): void {
  queue = queue
    .then(job)
    .catch((e) => post({ type: 'error', where: 'protocol', message: messageOf(e) }));
}

scope.onmessage = (ev: MessageEvent<BenchToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'init':
      enqueue(() => init(msg));
      break;
    case 'loadWeights':
      enqueue(load);
      break;
    case 'bench':
      enqueue(() => bench(msg));
      break;
    default:
      post(unknownMessageError(msg));
  }
};
