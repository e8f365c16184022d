// A push → pull bridge: producers push watch events (or a terminal error) from callbacks,
// the watch's async generator pulls them. Unbounded: the cacher bounds fan-out, not this.
export class EventQueue<T> {
  private readonly items: T[] = [];
  private failure: unknown;
  private ended = false;
  private wake: (() => void) | undefined;

  push(item: T): void { this.items.push(item); this.notify(); }
  fail(err: unknown): void { if (!this.ended) { this.failure = err; this.ended = true; this.notify(); } }
  end(): void { this.ended = true; this.notify(); }

  /** Yields until end(); rethrows the error given to fail() once the buffered items are drained. */
  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift() as T;
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
