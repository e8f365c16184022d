// One etcd watch per call, on a raw gRPC Watch stream (etcd-kv.ts) so that compact_revision and
// prev_kv reach us intact. Mirrors apiserver storage/etcd3/watcher.go.
import type { EtcdKv } from './etcd-kv';
import type { KeyValue, WatchEventMsg, WatchResult } from './etcd-proto';
import type { WatchEvent } from '../../api/meta/v1';
import type { Logger } from '../log';
import type { ListResult } from './interface';
import { EventQueue } from './event-queue';
import { decodeObject, nameOfKey, parseResourceVersion, prefixEnd, tooOldResourceVersion } from './keys';

export interface EtcdWatchOptions {
  kv: EtcdKv;
  prefix: string;
  fromRV: string;
  signal: AbortSignal;
  log: Logger;
  list: (prefix: string) => Promise<ListResult>;
}

/** PUT with create_revision == mod_revision is a creation; DELETE carries the previous value. */
export const eventFromEtcd = (ev: WatchEventMsg, log: Logger): WatchEvent => {
  const kv = ev.kv;
  if (ev.type === 'Put') {
    return { type: kv.create_revision === kv.mod_revision ? 'ADDED' : 'MODIFIED', object: decodeObject(kv.value.toString('utf8'), kv.mod_revision) };
  }
  const prev: KeyValue | undefined = ev.prevKv;
  if (!prev) log.warn('etcd delete event without previous value', { key: kv.key.toString('utf8') });
  const value = prev ? prev.value.toString('utf8') : JSON.stringify({ metadata: { name: nameOfKey(kv.key.toString('utf8')) } });
  return { type: 'DELETED', object: decodeObject(value, kv.mod_revision) };
};

export async function* watchEtcd(o: EtcdWatchOptions): AsyncGenerator<WatchEvent> {
  let startAfter = parseResourceVersion(o.fromRV);
  if (startAfter === 0) {
    // '' and '0': the current state as synthetic ADDED events, then changes after that list.
    const initial = await o.list(o.prefix);
    for (const item of initial.items) yield { type: 'ADDED', object: item };
    startAfter = Number(initial.resourceVersion);
  }
  if (o.signal.aborted) return;
  const queue = new EventQueue<WatchEvent>();
  let closed = false;
  const stream = o.kv.watch({ key: o.prefix, rangeEnd: prefixEnd(o.prefix), startRevision: startAfter + 1, prevKv: true }, {
    message: (res: WatchResult) => {
      if (res.compactRevision !== '0') {
        queue.fail(tooOldResourceVersion(o.fromRV, res.compactRevision));
        return;
      }
      if (res.canceled) {
        queue.fail(new Error(`etcd watch canceled: ${res.cancelReason}`));
        return;
      }
      for (const ev of res.events) queue.push(eventFromEtcd(ev, o.log));
    },
    end: (err?: Error) => {
      if (closed) return;
      if (err) {
        o.log.warn('etcd watch stream failed', { prefix: o.prefix, err });
        queue.fail(err);
      } else {
        queue.end();
      }
    },
  });
  const close = () => { if (!closed) { closed = true; stream.close(); } };
  const onAbort = () => { close(); queue.end(); };
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();
  try {
    yield* queue.drain();
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    close();
  }
}
