/** Replies to the page's requests by id (downloads, memory reports); all refused when the worker goes. */
import type { FromWorker } from '../../worker/protocol';
import type { StyleBridge } from './bridge';

export type DownloadReply = Extract<FromWorker, { type: 'download' }>;
export type MemoryReport = Omit<
  Extract<FromWorker, { type: 'memoryReport' }>,
  'type' | 'requestId'
>;

export class WorkerRequests {
  private nextRequest = 1;
  private downloads = new Map<
    number,
    { resolve: (r: DownloadReply) => void; reject: (e: Error) => void }
  >();
  private memoryRequests = new Map<number, (r: MemoryReport) => void>();

  constructor(private readonly bridge: StyleBridge) {
    bridge.subscribe((msg) => this.receive(msg));
  }

  /**
   * The current image as PNG bytes, with its size and iteration (downloads, history); with
   * stageEnd, the last image of the latest coarse-to-fine stage that ended, at that stage's size.
   */
  capture(opts: { stageEnd?: boolean } = {}): Promise<DownloadReply> {
    const id = this.nextRequest++;
    return new Promise<DownloadReply>((resolve, reject) => {
      this.downloads.set(id, { resolve, reject });
      this.bridge.send({
        type: 'download',
        requestId: id,
        ...(opts.stageEnd ? { stageEnd: true } : {}),
      });
    });
  }

  /** tf.memory() in the worker at rest, between its jobs and steps (leak checks). */
  memory(): Promise<MemoryReport> {
    const id = this.nextRequest++;
    return new Promise((resolve) => {
      this.memoryRequests.set(id, resolve);
      this.bridge.send({ type: 'memory', requestId: id });
    });
  }

  /** The worker is gone: pending downloads fail, memory requests are dropped. */
  abandon(): void {
    for (const p of this.downloads.values()) p.reject(new Error('The style worker stopped.'));
    this.downloads.clear();
    this.memoryRequests.clear();
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'error':
        if (msg.where === 'download') {
          for (const p of this.downloads.values()) p.reject(new Error(msg.message));
          this.downloads.clear();
        }
        break;
      case 'download':
        this.downloads.get(msg.requestId)?.resolve(msg);
        this.downloads.delete(msg.requestId);
        break;
      case 'memoryReport': {
        const { backend, numTensors, numBytes, numBytesInGPU } = msg;
        this.memoryRequests.get(msg.requestId)?.({ backend, numTensors, numBytes, numBytesInGPU });
        this.memoryRequests.delete(msg.requestId);
        break;
      }
    }
  }
}
