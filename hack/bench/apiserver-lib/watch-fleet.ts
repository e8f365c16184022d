// Watch clients for the benchmark, run in worker threads (watch-fleet-worker.ts) so that reading
// a million events neither delays the creates the main thread sends nor the time it takes them.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Credentials } from './client';
import type { FleetConfig } from './watch-fleet-worker';

/** Every delivery: when its create was sent, which create (its name's index), when it arrived. */
export interface Deliveries { n: number; sent: Float64Array; index: Int32Array; received: Float64Array }

export class WatchFleet {
  private readonly workers: Worker[] = [];
  private readonly counts: Int32Array[] = [];
  private readonly opened: Int32Array[] = [];

  /** `watchers` watches of `base + path`, spread over `threads` worker threads. */
  constructor(creds: Credentials, base: string, pathQuery: string, readonly watchers: number, maxEventsEach: number, threads = 1) {
    const url = new URL(base);
    for (let t = 0; t < threads; t++) {
      const share = Math.floor(watchers / threads) + (t < watchers % threads ? 1 : 0);
      const counts = new SharedArrayBuffer(4 * share);
      const opened = new SharedArrayBuffer(4);
      const cfg: FleetConfig = {
        host: url.hostname, port: Number(url.port), path: pathQuery, watchers: share, maxDeliveries: share * maxEventsEach,
        ca: creds.ca, cert: creds.cert, key: creds.key, counts, opened,
      };
      this.workers.push(new Worker(path.join(__dirname, 'watch-fleet-worker.js'), { workerData: cfg }));
      this.counts.push(new Int32Array(counts));
      this.opened.push(new Int32Array(opened));
    }
  }

  /** Watches whose response started with 200. */
  get open(): number { return this.opened.reduce((s, o) => s + Atomics.load(o, 0), 0); }

  /** Watches that have received at least `events` events. */
  complete(events: number): number {
    let c = 0;
    for (const counts of this.counts) for (let i = 0; i < counts.length; i++) if (Atomics.load(counts, i) >= events) c++;
    return c;
  }

  /** Closes every watch and gathers the deliveries. */
  async close(): Promise<Deliveries> {
    const parts = await Promise.all(this.workers.map((w) => new Promise<Deliveries>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage('close');
    })));
    await Promise.all(this.workers.map((w) => w.terminate()));
    const n = parts.reduce((s, p) => s + p.n, 0);
    const all: Deliveries = { n, sent: new Float64Array(n), index: new Int32Array(n), received: new Float64Array(n) };
    let at = 0;
    for (const p of parts) {
      all.sent.set(p.sent, at);
      all.index.set(p.index, at);
      all.received.set(p.received, at);
      at += p.n;
    }
    return all;
  }
}
