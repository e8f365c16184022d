// One listener per informer handler (client-go shared_informer.go processorListener): the
// informer pushes notifications and moves on; the listener delivers them to its handler in
// order. A handler that returns a promise is busy until it settles, and what arrives meanwhile
// waits in the listener's unbounded buffer — so a slow handler delays only itself, never the
// watch, the cache or the other handlers. A synchronous handler is called at once (the common
// case: enqueue a key). A throw or a rejection is logged and delivery continues.
import type { Logger } from '../log';
import type { DeletedObject } from './tombstone';
import type { EventHandler } from './types';

export type Notification<T> =
  | { type: 'add'; obj: T }
  | { type: 'update'; old: T; obj: T }
  | { type: 'delete'; obj: DeletedObject<T> };

/** Buffered notifications past this are logged once: the handler is not keeping up. */
const WARN_PENDING = 1000;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

export class Listener<T> {
  private readonly pending: Notification<T>[] = [];
  private busy = false;
  private warned = false;

  constructor(private readonly handler: EventHandler<T>, private readonly log: Logger) {}

  push(n: Notification<T>): void {
    if (this.busy || this.pending.length > 0) {
      this.pending.push(n);
      if (this.pending.length > WARN_PENDING && !this.warned) {
        this.warned = true;
        this.log.warn('event handler is falling behind', { pending: this.pending.length });
      }
      return;
    }
    this.deliver(n);
  }

  /** Notifications waiting for a busy handler. */
  backlog(): number { return this.pending.length; }

  private deliver(n: Notification<T>): void {
    let result: unknown;
    try {
      if (n.type === 'add') result = this.handler.add?.(n.obj);
      else if (n.type === 'update') result = this.handler.update?.(n.old, n.obj);
      else result = this.handler.delete?.(n.obj);
    } catch (err) {
      this.failed(n, err);
      return;
    }
    if (!isThenable(result)) return;
    this.busy = true;
    result.then(undefined, (err: unknown) => this.failed(n, err)).then(() => {
      this.busy = false;
      this.drain();
    });
  }

  private drain(): void {
    while (!this.busy && this.pending.length > 0) this.deliver(this.pending.shift() as Notification<T>);
    if (this.pending.length === 0) this.warned = false;
  }

  private failed(n: Notification<T>, err: unknown): void {
    this.log.error('event handler failed', { event: n.type, error: err, stack: (err as Error)?.stack?.split('\n')[1]?.trim() });
  }
}
