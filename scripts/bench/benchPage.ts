/**
 * The bench page's script (bench.html): starts the bench worker (src/worker/benchWorker.ts: the
 * app's backend set-up, weights loader and preview draw around the measuring core) with a transferred
 * preview canvas on the backend named by ?backend= (webgl when absent), loads the demo weights,
 * and exposes window.__styleBench so that scripts/bench/browser.ts can ask for measurements with
 * page.evaluate.
 */
import type { BenchExtras, BenchMeasurement, BenchRequest } from '../../src/worker/bench';
import type { BenchFromWorker, BenchToWorker } from '../../src/worker/benchProtocol';
import type { BackendName } from '../../src/worker/protocol';
import type { checkInputGradient } from './inputGradientPage';

export interface BenchReady {
  backend: string;
  renderer: string | null;
  warning: string | null;
  pageRenderer: string | null;
  threads: number;
  crossOriginIsolated: boolean;
}

export interface StyleBenchHandle {
  ready: Promise<BenchReady>;
  measure(
    size: number,
    rounds: number,
    budgetMs: number,
    extras?: BenchExtras,
  ): Promise<BenchMeasurement>;
}

declare global {
  interface Window {
    __styleBench?: StyleBenchHandle;
    __inputGradientCheck?: typeof checkInputGradient;
  }
}

const worker = new Worker(new URL('../../src/worker/benchWorker.ts', import.meta.url), {
  type: 'module',
});
const send = (msg: BenchToWorker, transfer: Transferable[] = []) =>
  worker.postMessage(msg, transfer);

type Waiter = { match: (m: BenchFromWorker) => boolean; resolve: (m: BenchFromWorker) => void };
const waiters: Waiter[] = [];
let failure: ((e: Error) => void) | null = null;

function next<T extends BenchFromWorker['type']>(
  type: T,
  match: (m: Extract<BenchFromWorker, { type: T }>) => boolean = () => true,
): Promise<Extract<BenchFromWorker, { type: T }>> {
  return new Promise((resolve, reject) => {
    failure = reject;
    waiters.push({
      match: (m) => m.type === type && match(m as Extract<BenchFromWorker, { type: T }>),
      resolve: (m) => resolve(m as Extract<BenchFromWorker, { type: T }>),
    });
  });
}

worker.onmessage = (ev: MessageEvent<BenchFromWorker>) => {
  const m = ev.data;
  if (m.type === 'error') {
    failure?.(new Error(`worker: ${m.message}`));
    return;
  }
  const i = waiters.findIndex((w) => w.match(m));
  if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
};
worker.onerror = (ev) => failure?.(new Error(`worker failed to load: ${ev.message}`));

function pageRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function start(): Promise<BenchReady> {
  const canvas = document.getElementById('preview') as HTMLCanvasElement;
  const offscreen = canvas.transferControlToOffscreen();
  const backend = next('backend');
  const wanted = (new URLSearchParams(location.search).get('backend') ?? 'webgl') as BackendName;
  send({ type: 'init', canvas: offscreen, backend: wanted }, [offscreen]);
  const b = await backend;
  const loaded = next('weightsLoaded');
  send({ type: 'loadWeights' });
  await loaded;
  return {
    backend: b.backend,
    renderer: b.renderer,
    warning: b.warning,
    pageRenderer: pageRenderer(),
    threads: b.threads,
    crossOriginIsolated: b.crossOriginIsolated,
  };
}

/** A bundled sample cover-cropped to size x size, as RGBA bytes (what the app's page sends). */
async function samplePixels(name: string, size: number): Promise<BenchRequest['content']> {
  const res = await fetch(`${import.meta.env.BASE_URL}samples/${name}`);
  if (!res.ok) throw new Error(`samples/${name}: HTTP ${res.status}`);
  const bmp = await createImageBitmap(await res.blob());
  const scale = Math.max(size / bmp.width, size / bmp.height);
  const w = bmp.width * scale;
  const h = bmp.height * scale;
  const ctx = new OffscreenCanvas(size, size).getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  ctx.drawImage(bmp, (size - w) / 2, (size - h) / 2, w, h);
  const data = ctx.getImageData(0, 0, size, size).data;
  return { width: size, height: size, data: data.buffer.slice(0) as ArrayBuffer };
}

let nextId = 1;
async function measure(
  size: number,
  rounds: number,
  budgetMs: number,
  extras: BenchExtras = {},
): Promise<BenchMeasurement> {
  const content = await samplePixels('hills.png', size);
  const style = await samplePixels('brush-strokes.png', size);
  const requestId = nextId++;
  const reply = next('benchResult', (m) => m.requestId === requestId);
  send({ type: 'bench', requestId, request: { content, style, rounds, budgetMs, ...extras } }, [
    content.data,
    style.data,
  ]);
  const r = await reply;
  if (!r.result) throw new Error(`bench failed in the worker: ${r.error ?? 'no result'}`);
  return r.result;
}

if (new URLSearchParams(location.search).has('inputGradientCheck')) {
  // The gradient check needs neither the worker nor the demo weights: tfjs loads only for it.
  window.__inputGradientCheck = async (backend, sizes) =>
    (await import('./inputGradientPage')).checkInputGradient(backend, sizes);
} else {
  window.__styleBench = { ready: start(), measure };
}
