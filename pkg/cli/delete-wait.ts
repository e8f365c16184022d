// delete --wait: waits for each deleted object to be gone with a watch, not by polling
// (kubectl's wait.IsDeleted): a watch with fieldSelector metadata.name=NAME from the delete's
// resourceVersion when the object is still terminating (the DELETED event must come after it),
// else from a list by the same selector, which also says whether it is gone already. A DELETED
// event, or the name seen with another UID (recreated), means gone. A watch the server ends is
// resumed from a fresh list; a 410 too.
import type { Client } from '../client/types';
import { resourcePath } from './resource';
import type { ResourceInfo } from './resource-table';
import { watchEvents } from './watch';

export interface DeletedObject { info: ResourceInfo; namespace: string; name: string }

interface Meta { uid?: string; resourceVersion?: string; deletionTimestamp?: string }
interface Obj { kind?: string; metadata?: Meta }

/** The uid, and the resourceVersion to watch from when the DELETE response is a terminating object. */
export const startingPoint = (response: unknown): { uid?: string; resourceVersion?: string } => {
  const o = (response && typeof response === 'object' ? response : {}) as Obj;
  if (o.kind === 'Status') return {};
  const m = o.metadata ?? {};
  return { uid: m.uid, resourceVersion: m.deletionTimestamp ? m.resourceVersion : undefined };
};

/** A watch that ends with no event at all is retried after this long, so a server that keeps ending watches is not hammered. */
export const EMPTY_WATCH_BACKOFF_MS = 1000;

/**
 * Resolves true once the object is gone, false when `signal` aborted first (timeout, ^C).
 * `sleep` waits between a watch that ended empty and the next list.
 */
export const waitForDeletion = async (client: Client, t: DeletedObject, response: unknown, signal: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<boolean> => {
  let { uid, resourceVersion: rv } = startingPoint(response);
  const fieldSelector = `metadata.name=${t.name}`;
  const collection = resourcePath(t.info, t.namespace);
  while (!signal.aborted) {
    if (!rv) {
      const list = await client.request<{ metadata?: Meta; items?: Obj[] }>('GET', collection, { query: { fieldSelector }, signal });
      const item = list.items?.[0];
      if (!item || (uid && item.metadata?.uid !== uid)) return true;
      uid ??= item.metadata?.uid;
      rv = list.metadata?.resourceVersion;
    }
    const query = { fieldSelector, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) };
    let events = 0;
    for await (const ev of watchEvents<Obj & { code?: number }>(client, { path: collection, query, signal })) {
      events++;
      if (ev.type === 'ERROR') {
        if (ev.object.code === 410) break;
        throw new Error(`watch of ${t.info.plural}/${t.name} failed: ${JSON.stringify(ev.object)}`);
      }
      const meta = ev.object.metadata ?? {};
      if (ev.type === 'DELETED' && (!uid || meta.uid === uid)) return true;
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && uid && meta.uid && meta.uid !== uid) return true;
    }
    rv = undefined; // ended, or 410: list again (it also tells whether the object is gone now)
    if (events === 0) await sleep(EMPTY_WATCH_BACKOFF_MS, signal);
  }
  return false;
};
