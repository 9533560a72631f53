/**
 * The style worker's entry: the only bridge between the page and tfjs. It routes the typed
 * messages of ./protocol.ts to the parts that do the work:
 * - ./runController: the run as one object (its states in ./runStates.ts), with its step
 *   (./runStep), output (./runOutput) and recovery after a lost context (./faultRecovery);
 * - ./weightsJobs: the tfjs backend and the VGG16 weights;
 * - ./debugHooks: fault injection for the e2e tests, loaded only with ?debug;
 *
 * Control messages (pause, resume, stop, live settings) act at once; heavier requests (backend,
 * weights, start, download) go through a serial queue so they never interleave.
 */
import * as tf from '@tensorflow/tfjs';
import { post, scope, shared } from './context';
import { messageOf, unknownMessageError } from './errors';
import { recoverFromContextLoss } from './faultRecovery';
import { drawPreview, previewTarget } from './preview';
import type { ToWorker } from './protocol';
import { RunController } from './runController';
import { download, showResult } from './runOutput';
import { loadWeightsRequest, setBackend } from './weightsJobs';
import { startJob } from './startJob';
import { calibrationValid } from './calibration';
import { fitLimit } from './fitLimit';

let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void> | void): void {
  queue = queue
    .then(job)
    .catch((e) => post({ type: 'error', where: 'protocol', message: messageOf(e) }));
}

/** The one run of this worker (a new Start replaces its contents, not the object). */
const run: RunController = new RunController({
  post,
  weights: () => shared.weights,
  draw: (img) => drawPreview(shared.preview, img),
  contextLost: (token) => enqueue(() => recoverFromContextLoss(run, token)),
  close: () => scope.close(),
});

/** The debug hooks' module, imported on init when the page was opened with ?debug. */
let debugHooks: Promise<typeof import('./debugHooks')> | null = null;

function memoryReport(): {
  backend: string;
  numTensors: number;
  numBytes: number;
  numBytesInGPU: number | null;
} {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return {
    backend: tf.getBackend(),
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    numBytesInGPU: m.numBytesInGPU ?? null,
  };
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'init':
      shared.debugEnabled = msg.debug === true;
      shared.preview = previewTarget(msg.canvas);
      shared.calibration = calibrationValid(msg.calibration) ? msg.calibration : null;
      if (shared.debugEnabled) debugHooks ??= import('./debugHooks');
      enqueue(() => setBackend(run, msg.backend));
      break;
    case 'fitLimit':
      enqueue(() => fitLimit(msg));
      break;
    case 'setBackend':
      if (msg.backend !== shared.backendChoice || !tf.getBackend()) {
        enqueue(() => setBackend(run, msg.backend));
      }
      break;
    case 'loadWeights':
      enqueue(() => loadWeightsRequest(run, msg));
      break;
    case 'start': {
      const ticket = run.startTicket();
      // Between runs only: the page picked the backend for this run's size.
      enqueue(() => startJob(run, msg, ticket));
      break;
    }
    case 'showResult':
      enqueue(() => showResult(run, msg));
      break;
    case 'download':
      enqueue(() => download(run, msg.requestId, msg.stageEnd));
      break;
    case 'pause':
      run.pause();
      break;
    case 'resume':
      run.resume();
      break;
    case 'stop':
      run.stop();
      break;
    case 'updateSettings':
      run.queueSettings(msg.patch);
      break;
    case 'setMask':
      run.queueMask(msg.mask);
      break;
    case 'setMaxIterations':
      run.setMaxIterations(msg.maxIterations);
      break;
    case 'memory':
      // Measured at rest, after the queued jobs and the step in flight: a download's or a step's
      // pending readback holds a tensor meanwhile, which is no leak (leak checks compare counts).
      enqueue(async () => {
        await run.settle();
        post({ type: 'memoryReport', requestId: msg.requestId, ...memoryReport() });
      });
      break;
    case 'debug':
      if (!debugHooks) {
        const message = 'Debug messages need the page opened with ?debug.';
        post({ type: 'error', where: 'protocol', message });
      } else {
        const { action } = msg;
        void debugHooks.then((m) => m.debugAction(action, run, post));
      }
      break;
    default:
      post(unknownMessageError(msg));
  }
};

// A blocked load or eval in the worker would otherwise only reach the devtools console.
scope.addEventListener('securitypolicyviolation', (e) => {
  const ev = e as SecurityPolicyViolationEvent;
  post({
    type: 'error',
    where: 'protocol',
    message: `Content-Security-Policy blocked ${ev.blockedURI || 'something'} (${ev.violatedDirective})`,
  });
});

scope.onerror = (ev) => {
  post({ type: 'error', where: 'protocol', message: String(ev) });
};
scope.onunhandledrejection = (ev) => {
  post({ type: 'error', where: 'protocol', message: messageOf(ev.reason) });
};
