/**
 * The page's typed bridge to the style worker: it starts the worker, sends ToWorker messages and
 * hands every FromWorker message to its subscribers in the order they subscribed. It knows no
 * policy; a worker that fails or cannot be read is reported to the failure subscribers.
 */
import type { FromWorker, ToWorker } from '../../worker/protocol';

export type MessageListener = (msg: FromWorker) => void;
export type FailureListener = (reason: string) => void;

export class StyleBridge {
  private worker: Worker | null = null;
  private listeners: MessageListener[] = [];
  private failureListeners: FailureListener[] = [];

  get running(): boolean {
    return this.worker !== null;
  }

  /** A new worker (an old one is ended; its messages still queued are dropped). */
  open(): void {
    this.worker?.terminate();
    const worker = new Worker(new URL('../../worker/styleWorker.ts', import.meta.url), {
      type: 'module',
    });
    this.worker = worker;
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      if (this.worker !== worker) return;
      for (const l of this.listeners) l(ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (this.worker === worker) this.fail(ev.message || 'it could not load');
    };
    worker.onmessageerror = () => {
      if (this.worker === worker) this.fail('a message from it could not be read');
    };
  }

  /** Ends the worker now. */
  close(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  send(msg: ToWorker, transfer: Transferable[] = []): void {
    if (!this.worker) throw new Error('The style worker is not running yet');
    this.worker.postMessage(msg, transfer);
  }

  /** Every message from the worker, from now on. */
  subscribe(listener: MessageListener): void {
    this.listeners.push(listener);
  }

  onFailure(listener: FailureListener): void {
    this.failureListeners.push(listener);
  }

  /** The worker failed or went silent (`reason` completes "The style worker failed (…)"). */
  fail(reason: string): void {
    for (const l of this.failureListeners) l(reason);
  }
}
