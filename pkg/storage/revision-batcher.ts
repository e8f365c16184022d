// Consistent gets from the watch cache. A get of the latest state must see every write that
// finished before it began; upstream reads such gets from etcd, one Range each. The cacher
// instead asks etcd only where the key stands (a keys-only read, no value) and answers from the
// cache once the cache has seen that revision: the same object, without decoding it again, and
// with bytes already encoded for watchers. The revision reads of concurrent gets share one etcd
// Txn: a get that arrives while a read is in flight waits for the next one, which is sent after
// it arrived, so its answer is at least as new as the get (the same rule as etcd's ReadIndex).
import { maxRevisionKeys, type RevisionReader } from './interface';

interface Waiter { key: string; resolve: (modRevision: string | undefined) => void; reject: (err: unknown) => void }

export class RevisionBatcher {
  private waiting: Waiter[] = [];
  private inFlight = false;

  constructor(private readonly reader: RevisionReader) {}

  /** The key's mod_revision as of a read sent after this call; undefined when it does not exist. */
  modRevision(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.inFlight) this.send();
    });
  }

  private send(): void {
    const batch = this.waiting.splice(0, maxRevisionKeys);
    if (batch.length === 0) return;
    this.inFlight = true;
    const keys = [...new Set(batch.map((w) => w.key))];
    this.reader.readRevisions(keys).then((r) => {
      const byKey = new Map(keys.map((k, i) => [k, r.modRevisions[i]]));
      for (const w of batch) w.resolve(byKey.get(w.key));
    }, (err: unknown) => {
      for (const w of batch) w.reject(err);
    }).finally(() => {
      this.inFlight = false;
      this.send();
    });
  }
}

export const isRevisionReader = (store: object): store is RevisionReader =>
  typeof (store as Partial<RevisionReader>).readRevisions === 'function';
