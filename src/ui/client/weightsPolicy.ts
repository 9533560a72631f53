/**
 * Which weights the worker loads and what the page says about them: progress, the weights in use,
 * a failed load (the weights in use stay), and on a first visit without pretrained weights the
 * automatic fallback to the demo ones.
 */
import { isRunActive, useStore } from '../store';
import type { FromWorker, WeightsRequest } from '../../worker/protocol';
import type { StyleBridge } from './bridge';

export class WeightsPolicy {
  /** Set while the page's own first request for pretrained weights may fall back to the demo. */
  private demoFallback = false;
  /** The .h5 being converted, if that is what loads: its name goes into an error about it. */
  private h5FileName: string | null = null;

  /** `resuming`: whether the weights that arrive are for a replaced worker's run (it goes on). */
  constructor(
    private readonly bridge: StyleBridge,
    private readonly resuming: () => boolean,
  ) {
    bridge.subscribe((msg) => this.receive(msg));
  }

  /** A new worker's first load: the remembered choice, falling back to the demo if none are found. */
  loadRemembered(): void {
    const s = useStore.getState();
    // No pretrained weights here (none served, none cached, or offline): fall back to the demo
    // ones at once, so a first visit runs without a click (the panel says how to get real ones).
    this.load(s.weightsChoice === 'demo' ? { kind: 'demo' } : { kind: 'pretrained' });
    this.demoFallback = s.weightsChoice !== 'demo';
  }

  /**
   * Asks for other weights. While weights are in use they stay (and so does a run on them) until
   * the new ones have loaded and proved to be VGG16; the panel shows the attempt meanwhile.
   */
  load(source: WeightsRequest, isFallback = false): void {
    // A request of the person's own ends any pending automatic fallback.
    if (!isFallback) this.demoFallback = false;
    const st = useStore.getState();
    this.h5FileName = source.kind === 'h5' ? source.fileName : null;
    const what =
      source.kind === 'h5'
        ? `"${source.fileName}"`
        : source.kind === 'demo'
          ? 'the demo weights'
          : 'the pretrained weights';
    const pending = { what, loaded: 0, total: source.kind === 'h5' ? source.bytes.byteLength : 0 };
    if (st.weights.status === 'ready') {
      st.setWeights({ ...st.weights, pending, problem: undefined });
    } else {
      st.setWeights({ status: 'loading', loaded: 0, total: 0 });
    }
    this.bridge.send({ type: 'loadWeights', source }, source.kind === 'h5' ? [source.bytes] : []);
  }

  private receive(msg: FromWorker): void {
    const st = useStore.getState();
    switch (msg.type) {
      case 'weightsProgress':
        if (st.weights.pending) {
          const { what } = st.weights.pending;
          st.setWeights({ ...st.weights, pending: { what, loaded: msg.loaded, total: msg.total } });
        } else {
          st.setWeights({
            status: 'loading',
            phase: msg.phase,
            loaded: msg.loaded,
            total: msg.total,
          });
        }
        break;
      case 'weightsLoaded': {
        const fellBack = this.demoFallback && msg.label === 'demo';
        this.demoFallback = false;
        // The worker dropped any run on the old weights; a run to resume in a replaced worker
        // goes on (the restart policy sends it).
        if (!this.resuming() && (isRunActive(st.run.state) || st.run.iteration > 0)) {
          st.resetRun();
          st.setNotice('Other weights are now in use: the run on the previous weights ended.');
        }
        st.setWeights({
          status: 'ready',
          label: msg.label,
          origin: msg.origin,
          bytes: msg.bytes,
          pretrainedMissing: fellBack,
        });
        // A fallback is not a choice: the next visit looks for pretrained weights again.
        if (!fellBack) st.setWeightsChoice(msg.label === 'demo' ? 'demo' : 'pretrained');
        break;
      }
      case 'weightsError':
        if (this.demoFallback && !msg.inUse) {
          this.load({ kind: 'demo' }, true);
        } else if (msg.inUse) {
          st.setWeights({
            status: 'ready',
            ...msg.inUse,
            problem: {
              kind: msg.kind,
              message: msg.message,
              ...(this.h5FileName ? { fileName: this.h5FileName } : {}),
            },
          });
        } else {
          st.setWeights({
            status: msg.kind === 'not-found' ? 'missing' : 'error',
            message: msg.message,
            ...(this.h5FileName ? { fileName: this.h5FileName } : {}),
          });
        }
        break;
    }
  }
}
