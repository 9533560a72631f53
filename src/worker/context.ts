/**
 * What every part of the style worker shares: the message channel to the page and the resources
 * that outlive a run (backend choice, weights, the preview canvas, debug mode).
 */
import type { RawVgg16Weights, Vgg16Weights } from '../model/weights';
import type { PreviewTarget } from './preview';
import type { BackendChoice, Calibration, FromWorker, WeightsInUse } from './protocol';

// globalThis rather than self: the run's modules import this file in Node's unit tests too.
export const scope = globalThis as unknown as DedicatedWorkerGlobalScope;

export function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

export const shared: {
  preview: PreviewTarget | null;
  backendChoice: BackendChoice;
  /** The weights as arrays: tensors belong to a backend and die with a lost context. */
  rawWeights: RawVgg16Weights | null;
  weights: Vgg16Weights | null;
  /** What the last successful load was; a failed load reports it as still in use. */
  weightsInUse: WeightsInUse | null;
  /** The page was opened with ?debug: fault-injection messages are accepted. */
  debugEnabled: boolean;
  /** Auto's figures (from the page's cache or measured here); null until there are some. */
  calibration: Calibration | null;
} = {
  calibration: null,
  preview: null,
  backendChoice: 'auto',
  rawWeights: null,
  weights: null,
  weightsInUse: null,
  debugEnabled: false,
};
