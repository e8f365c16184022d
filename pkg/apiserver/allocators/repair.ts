// The repair controllers (k8s pkg/registry/core/service/ipallocator/controller/repair.go and
// portallocator/controller/repair.go): the stored bitmaps are rebuilt from the stored Services.
// A value a Service holds is marked; a value marked but held by none is a leak, released only
// after it stayed leaked for `leakPasses` passes, since another apiserver may have taken it for
// a Service it has not written yet.
import type { ApiObject } from '../../../api/meta/v1';
import type { Logger } from '../../log';
import { resourcePrefix, type Store } from '../../storage';
import type { AllocationBitmap } from './bitmap';
import type { RangeAllocator } from './range-store';
import { clusterIPsOf, nodePortsOf } from './service-values';
import type { ServiceAllocators } from './service-store';

export const leakPasses = 3;

/** Leak counts per value, kept between passes (upstream's leaks map). */
export type LeakCounts = Map<string, number>;

/** One pass over one range: marks held values, counts leaks, releases old ones. Pure. */
export const repairBitmap = (bitmap: AllocationBitmap, held: readonly number[], leaks: Map<number, number>, passes = leakPasses): { marked: number; released: number } => {
  const keep = new Set(held);
  let marked = 0;
  let released = 0;
  for (const o of keep) if (bitmap.allocate(o)) marked++;
  for (const o of bitmap.allocated()) {
    if (keep.has(o)) { leaks.delete(o); continue; }
    const seen = (leaks.get(o) ?? 0) + 1;
    if (seen >= passes) {
      bitmap.release(o);
      leaks.delete(o);
      released++;
    } else leaks.set(o, seen);
  }
  for (const o of [...leaks.keys()]) if (!bitmap.has(o)) leaks.delete(o);
  return { marked, released };
};

const offsetsOf = (alloc: RangeAllocator, values: string[], log: Logger, what: string): number[] => values.flatMap((v) => {
  const o = alloc.range.offsetOf(v);
  if (o === undefined) log.info(`repair: a service ${what} is not in the range`, { value: v, range: alloc.range.spec });
  return o === undefined ? [] : [o];
});

export interface Repairer { pass(): Promise<void> }

export const newRepairer = (store: Pick<Store, 'list'>, a: ServiceAllocators, log: Logger): Repairer => {
  const leaks = { ips: new Map<number, number>(), ports: new Map<number, number>() };
  return {
    pass: async () => {
      const services = (await store.list(resourcePrefix('services'))).items as ApiObject[];
      const ips = offsetsOf(a.ips, services.flatMap(clusterIPsOf), log, 'cluster IP');
      const ports = offsetsOf(a.ports, services.flatMap(nodePortsOf), log, 'node port');
      let ipResult = { marked: 0, released: 0 };
      let portResult = { marked: 0, released: 0 };
      // A lost compare-and-swap re-runs the function: count on copies, keep the winning one.
      let ipLeaks = leaks.ips;
      let portLeaks = leaks.ports;
      await a.ips.modify((b) => { ipLeaks = new Map(leaks.ips); ipResult = repairBitmap(b, ips, ipLeaks); });
      await a.ports.modify((b) => { portLeaks = new Map(leaks.ports); portResult = repairBitmap(b, ports, portLeaks); });
      leaks.ips = ipLeaks;
      leaks.ports = portLeaks;
      log.v(2, 'repaired service ranges', { services: services.length, ips: ipResult, ports: portResult });
    },
  };
};
