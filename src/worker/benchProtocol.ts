/**
 * The bench worker's messages (bench.html, driven by `npm run bench`). Its own protocol, so the
 * product protocol (./protocol.ts) and the product worker carry no bench code or types.
 */
import type { BenchMeasurement, BenchRequest } from './bench';
import type { BackendName, FromWorker } from './protocol';

export type BenchToWorker =
  | { type: 'init'; canvas: OffscreenCanvas; backend: BackendName }
  /** The bench always measures the demo weights (served with the app, the same on every machine). */
  | { type: 'loadWeights' }
  /** Measures iterations against a bare VGG16 pass. */
  | { type: 'bench'; requestId: number; request: BenchRequest };

export type BenchFromWorker =
  | Extract<FromWorker, { type: 'backend' | 'weightsLoaded' | 'error' }>
  | {
      type: 'benchResult';
      requestId: number;
      result: BenchMeasurement | null;
      error: string | null;
    };
