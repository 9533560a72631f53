/**
 * The style worker's entry: the only bridge between the page and tfjs. It routes the typed
 * messages of ./protocol.ts to the parts that do the work:
 * - ./runLoop: the run, its step loop and preview, pause/resume/stop, live settings, download;
 * - ./weightsJobs: the tfjs backend and the VGG16 weights;
 * - ./faultRecovery: lost WebGL context, debug fault injection;
 *
 * Control messages (pause, resume, stop, live settings) act at once; heavier requests (backend,
 * weights, start, download) go through a serial queue so they never interleave.
 */
import * as tf from '@tensorflow/tfjs';
import { post, scope, shared } from './context';
import { messageOf, unknownMessageError } from './errors';
import { debugAction, recoverFromContextLoss } from './faultRecovery';
import { previewTarget } from './preview';
import type { ToWorker } from './protocol';
import {
  download,
  pause,
  queueSettings,
  resume,
  setContextLostHandler,
  setMaxIterations,
  showResult,
  settle,
  start,
  startTicket,
  stop,
} from './runLoop';
import { calibrateBackends, loadWeightsRequest, setBackend } from './weightsJobs';
import { calibrationValid } from './calibration';

let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void> | void): void {
  queue = queue
    .then(job)
    .catch((e) => post({ type: 'error', where: 'protocol', message: messageOf(e) }));
}

setContextLostHandler((token) => enqueue(() => recoverFromContextLoss(token)));

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
      enqueue(() => setBackend(msg.backend));
      break;
    case 'calibrate':
      enqueue(() => calibrateBackends());
      break;
    case 'setBackend':
      if (msg.backend !== shared.backendChoice || !tf.getBackend()) {
        enqueue(() => setBackend(msg.backend));
      }
      break;
    case 'loadWeights':
      enqueue(() => loadWeightsRequest(msg));
      break;
    case 'start': {
      const ticket = startTicket();
      enqueue(() => start(msg, ticket));
      break;
    }
    case 'showResult':
      enqueue(() => showResult(msg));
      break;
    case 'download':
      enqueue(() => download(msg.requestId, msg.stageEnd));
      break;
    case 'pause':
      pause();
      break;
    case 'resume':
      resume();
      break;
    case 'stop':
      stop();
      break;
    case 'updateSettings':
      queueSettings(msg.patch);
      break;
    case 'setMaxIterations':
      setMaxIterations(msg.maxIterations);
      break;
    case 'memory':
      // Measured at rest, after the queued jobs and the step in flight: a download's or a step's
      // pending readback holds a tensor meanwhile, which is no leak (leak checks compare counts).
      enqueue(async () => {
        await settle();
        post({ type: 'memoryReport', requestId: msg.requestId, ...memoryReport() });
      });
      break;
    case 'debug':
      debugAction(msg.action);
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
