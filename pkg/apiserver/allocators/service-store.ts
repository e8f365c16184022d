// Services' cluster IPs and node ports, allocated around the store's writes (upstream does this
// in the Service REST storage, pkg/registry/core/service/storage): a create takes its values
// before the write and gives them back if the write fails; an update takes what the new object
// lacks and releases what it no longer holds; a delete releases everything the service held.
// A decorator over the Store so that every write path (POST, PUT, PATCH, apply, delete,
// deletecollection, finalization) goes through it with one hook in server.ts.
import type { ApiObject } from '../../../api/meta/v1';
import type { ServicePort } from '../../../api/core/v1';
import type { Preconditions, Store, WriteOptions } from '../../storage';
import { AllocationError, type RangeAllocator } from './range-store';
import {
  clusterIPError, clusterIPsOf, needsNodePorts, nodePortError, nodePortsOf, specOf, wantsClusterIP,
} from './service-values';

export interface ServiceAllocators { ips: RangeAllocator; ports: RangeAllocator }

const servicePrefix = '/registry/services/';

/** Values taken for one write, released again unless the write keeps them. */
interface Taken { ips: string[]; ports: string[] }

const asInvalid = (obj: ApiObject, err: unknown, kind: 'ip' | 'port'): unknown => {
  if (!(err instanceof AllocationError)) return err;
  return kind === 'ip' ? clusterIPError(obj, err) : nodePortError(obj, err);
};

const releaseTaken = async (a: ServiceAllocators, t: Taken): Promise<void> => {
  await a.ips.release(t.ips);
  await a.ports.release(t.ports);
};

/** Ports of `obj` that need a node port and have none. */
const portsWanting = (obj: ApiObject): ServicePort[] =>
  (needsNodePorts(specOf(obj)) ? specOf(obj).ports ?? [] : []).filter((p) => !p.nodePort);

/**
 * Takes for `obj` what it asks for and `held` does not already hold: requested IPs and node
 * ports by value, then a random IP and random node ports for what is missing; fills them in.
 */
export const takeFor = async (a: ServiceAllocators, obj: ApiObject, held: Taken, taken: Taken): Promise<ApiObject> => {
  const spec = { ...specOf(obj) };
  try {
    for (const ip of clusterIPsOf(obj)) if (!held.ips.includes(ip) && !taken.ips.includes(ip)) { await a.ips.allocate(ip); taken.ips.push(ip); }
    if (wantsClusterIP(obj)) {
      const ip = await a.ips.allocateNext();
      taken.ips.push(ip);
      Object.assign(spec, { clusterIP: ip, clusterIPs: [ip] });
    }
  } catch (err) {
    throw asInvalid(obj, err, 'ip');
  }
  try {
    for (const port of nodePortsOf(obj)) if (!held.ports.includes(port) && !taken.ports.includes(port)) { await a.ports.allocate(port); taken.ports.push(port); }
    if (portsWanting(obj).length > 0) {
      const ports: ServicePort[] = [];
      for (const p of spec.ports ?? []) {
        if (!needsNodePorts(spec) || p.nodePort) { ports.push(p); continue; }
        const port = await a.ports.allocateNext();
        taken.ports.push(port);
        ports.push({ ...p, nodePort: Number(port) });
      }
      spec.ports = ports;
    }
  } catch (err) {
    throw asInvalid(obj, err, 'port');
  }
  return { ...obj, spec } as ApiObject;
};

const createService = async (store: Store, a: ServiceAllocators, key: string, obj: ApiObject, w?: WriteOptions): Promise<ApiObject> => {
  const taken: Taken = { ips: [], ports: [] };
  try {
    const filled = await takeFor(a, obj, { ips: [], ports: [] }, taken);
    return await store.create(key, filled, w);
  } catch (err) {
    await releaseTaken(a, taken);
    throw err;
  }
};

/** The object as written would still lack values: take them outside the CAS loop and try again. */
class NeedsAllocation extends Error {}

const updateService = async (store: Store, a: ServiceAllocators, key: string, tryUpdate: (cur: ApiObject) => ApiObject,
  pre?: Preconditions, w?: WriteOptions): Promise<ApiObject> => {
  const taken: Taken = { ips: [], ports: [] };
  let before: ApiObject | undefined;
  try {
    for (;;) {
      let pending: ApiObject | undefined;
      try {
        const updated = await store.guaranteedUpdate(key, (cur) => {
          before = cur;
          const next = tryUpdate(cur);
          const held = { ips: [...clusterIPsOf(cur), ...taken.ips], ports: [...nodePortsOf(cur), ...taken.ports] };
          const fresh = [...clusterIPsOf(next).filter((v) => !held.ips.includes(v)), ...nodePortsOf(next).filter((v) => !held.ports.includes(v))];
          if (fresh.length > 0 || wantsClusterIP(next) || portsWanting(next).length > 0) {
            pending = next;
            throw new NeedsAllocation();
          }
          return next;
        }, pre, w);
        const keep = { ips: clusterIPsOf(updated), ports: nodePortsOf(updated) };
        const old = before ? { ips: clusterIPsOf(before), ports: nodePortsOf(before) } : { ips: [], ports: [] };
        await releaseTaken(a, {
          ips: [...old.ips, ...taken.ips].filter((v) => !keep.ips.includes(v)),
          ports: [...old.ports, ...taken.ports].filter((v) => !keep.ports.includes(v)),
        });
        return updated;
      } catch (err) {
        if (!(err instanceof NeedsAllocation) || !pending || !before) throw err;
      }
      // Values taken here are filled into the next attempt's object by what it requests or
      // lacks; a request that lacks values again takes more (bounded by the range).
      const filled = await takeFor(a, pending, { ips: clusterIPsOf(before), ports: nodePortsOf(before) }, taken);
      const inner = tryUpdate;
      tryUpdate = (cur) => withValues(inner(cur), filled);
    }
  } catch (err) {
    await releaseTaken(a, taken);
    throw err;
  }
};

/** Fills what `next` lacks from `filled` (the object the values were taken for). */
const withValues = (next: ApiObject, filled: ApiObject): ApiObject => {
  const spec = { ...specOf(next) };
  const from = specOf(filled);
  if (wantsClusterIP(next) && from.clusterIP) Object.assign(spec, { clusterIP: from.clusterIP, clusterIPs: from.clusterIPs });
  if (needsNodePorts(spec)) {
    spec.ports = spec.ports?.map((p) => (p.nodePort ? p : { ...p, nodePort: from.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort }));
  }
  return { ...next, spec } as ApiObject;
};

const deleteService = async (store: Store, a: ServiceAllocators, key: string, pre?: Preconditions): Promise<ApiObject> => {
  const last = await store.delete(key, pre);
  await releaseTaken(a, { ips: clusterIPsOf(last), ports: nodePortsOf(last) });
  return last;
};

export const withServiceAllocation = <S extends Store>(store: S, a: ServiceAllocators): S => {
  const isService = (key: string) => key.startsWith(servicePrefix);
  const wrapped: Store = {
    create: (key, obj, w) => (isService(key) ? createService(store, a, key, obj, w) : store.create(key, obj, w)),
    get: (key, o) => store.get(key, o),
    list: (prefix, o) => store.list(prefix, o),
    guaranteedUpdate: (key, fn, pre, w) => (isService(key) ? updateService(store, a, key, fn, pre, w) : store.guaranteedUpdate(key, fn, pre, w)),
    delete: (key, pre) => (isService(key) ? deleteService(store, a, key, pre) : store.delete(key, pre)),
    watch: (prefix, from, signal, o) => store.watch(prefix, from, signal, o),
    currentRevision: () => store.currentRevision(),
    close: () => store.close(),
  };
  // Anything else the store offers (compaction) passes through untouched.
  return Object.assign(Object.create(store) as S, wrapped);
};
