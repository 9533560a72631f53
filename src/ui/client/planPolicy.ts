/**
 * What the cost model and the size limit need from the worker (issue 20): each run's own step
 * timings (./../cost/runTimer.ts) turned into samples of the model, and the largest output that
 * fits, asked for whenever its question (backend, content shape, layers) changes between runs.
 */
import { fitLimitWanted } from '../cost/fitLimitWatch';
import { RunTimer } from '../cost/runTimer';
import { useStore } from '../store';
import type { BackendName, FromWorker, StageReport } from '../../worker/protocol';
import type { ConvLayerName } from '../../model/topology';
import type { StyleBridge } from './bridge';

export class PlanPolicy {
  /** The run's own step times (null between runs). */
  private timer: RunTimer | null = null;
  /** The last fit-limit question sent, so it is asked once. */
  private fitLimitAsked: string | null = null;
  private nextRequest = 1;

  /** Subscribe after the store writes (./storeSync): the run's state is there already. */
  constructor(private readonly bridge: StyleBridge) {
    bridge.subscribe((msg) => this.receive(msg));
  }

  /** A run was sent to the worker on `backend`. */
  runStarted(backend: BackendName, deepest: ConvLayerName): void {
    this.timer = new RunTimer(backend, deepest, performance.now());
  }

  /** Asks for the size limit when the store's question changed; returns the unsubscribe. */
  followStore(): () => void {
    this.fitLimitAsked = null;
    const ask = () => {
      const s = useStore.getState();
      const q = fitLimitWanted(s);
      if (!this.bridge.running || !q || q.key === this.fitLimitAsked) return;
      this.fitLimitAsked = q.key;
      this.bridge.send({ type: 'fitLimit', requestId: this.nextRequest++, ...q.request });
    };
    return useStore.subscribe(ask);
  }

  private receive(msg: FromWorker): void {
    const st = useStore.getState();
    if (msg.type === 'fitLimit') {
      st.setFitLimit({
        backend: msg.backend,
        key: this.fitLimitAsked ?? '',
        largestLongSide: msg.largestLongSide,
        untiledLongSide: msg.untiledLongSide,
      });
    } else if (msg.type === 'iteration') {
      this.timeStep(msg.stage);
    } else if (msg.type === 'state') {
      // A run that ended leaves its measured steps to the cost model (no setting changes).
      if (msg.state === 'done' || msg.state === 'stopped') this.keepTimings();
      // Time paused is no step's time.
      if (msg.state === 'paused') this.timer?.pause();
    }
  }

  private timeStep(stage: StageReport): void {
    const t = this.timer;
    if (!t) return;
    const done = t.iteration(stage, performance.now());
    if (done) useStore.getState().addRunSamples([done]);
    useStore.getState().patchRun({ liveSample: t.live() });
  }

  private keepTimings(): void {
    const t = this.timer;
    if (!t) return;
    this.timer = null;
    const st = useStore.getState();
    const last = t.finishStage();
    if (last) st.addRunSamples([last]);
    const setup = t.stageSetup();
    if (setup != null) st.setStageSetup(t.backend, setup);
    st.patchRun({ liveSample: null });
  }
}
