// The slice plan (k8s staging/src/k8s.io/endpointslice/reconciler.go reconcileByAddressType):
// given the desired endpoints and the service's current slices, which slices to create, update
// and delete, with as few writes as possible: endpoints stay in the slice that holds them, a
// slice is rewritten only when one of its endpoints or its labels changed, new endpoints first
// fill slices that are being rewritten anyway, then one unchanged slice that can take them all,
// and only then new slices of at most maxEndpointsPerSlice. A service without endpoints keeps
// one empty placeholder slice.
import { newControllerRef } from '../../client';
import type { ApiService } from '../../../api/core/v1';
import type { ApiEndpointSlice, Endpoint } from '../../../api/discovery/v1';
import type { OwnerReference } from '../../../api/meta/v1';
import { deepEqual } from '../../apimachinery';
import { endpointsLabels } from '../endpoints/pods';
import { endpointKey, portsKey, type EndpointSet } from './desired';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerManagedBy = 'endpointslice-controller.k8s.io';
export const defaultMaxEndpointsPerSlice = 100;

export interface SlicePlan { create: ApiEndpointSlice[]; update: ApiEndpointSlice[]; delete: ApiEndpointSlice[] }

export const sliceLabels = (svc: ApiService): Record<string, string> => ({
  ...endpointsLabels(svc), [serviceNameLabel]: svc.metadata.name ?? '', [managedByLabel]: controllerManagedBy,
});

const ownerReference = (svc: ApiService): OwnerReference => newControllerRef(svc, 'v1', 'Service');

/** A slice this controller wrote for this very service (not for an older one of the same name). */
export const ownedBy = (slice: ApiEndpointSlice, svc: ApiService): boolean =>
  slice.metadata.labels?.[managedByLabel] === controllerManagedBy &&
  slice.metadata.labels?.[serviceNameLabel] === svc.metadata.name &&
  (slice.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === svc.metadata.uid);

const newSlice = (svc: ApiService, set: Pick<EndpointSet, 'ports'>, endpoints: Endpoint[]): ApiEndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: {
    generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace,
    labels: sliceLabels(svc), ownerReferences: [ownerReference(svc)],
  },
  addressType: 'IPv4', endpoints, ports: set.ports,
});

const withChanges = (slice: ApiEndpointSlice, svc: ApiService, endpoints: Endpoint[]): ApiEndpointSlice => {
  const copy = structuredClone(slice);
  copy.metadata.labels = sliceLabels(svc);
  copy.endpoints = endpoints;
  return copy;
};

const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Keeps what each existing slice of one port set may keep; takes the kept endpoints out of `want`. */
const reconcileExisting = (svc: ApiService, slices: ApiEndpointSlice[], want: Map<string, Endpoint>, plan: SlicePlan) => {
  const unchanged: ApiEndpointSlice[] = [];
  const updating: ApiEndpointSlice[] = [];
  const labels = sliceLabels(svc);
  for (const slice of slices) {
    const kept: Endpoint[] = [];
    let changed = !deepEqual(slice.metadata.labels ?? {}, labels);
    for (const ep of slice.endpoints ?? []) {
      const desired = want.get(endpointKey(ep));
      if (!desired) { changed = true; continue; }
      if (!deepEqual(ep, desired)) changed = true;
      kept.push(desired);
      want.delete(endpointKey(ep));
    }
    if (kept.length === 0) plan.delete.push(slice);
    else if (changed) updating.push(withChanges(slice, svc, kept));
    else unchanged.push(slice);
  }
  return { unchanged, updating };
};

/** Places the endpoints no slice holds yet: slices being rewritten, one unchanged slice, then new ones. */
const placeRemaining = (svc: ApiService, set: EndpointSet, remaining: Endpoint[], slices: { unchanged: ApiEndpointSlice[]; updating: ApiEndpointSlice[] }, max: number, plan: SlicePlan) => {
  const fullestFirst = (a: ApiEndpointSlice, b: ApiEndpointSlice) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0);
  for (const slice of [...slices.updating].sort(fullestFirst)) {
    const room = max - (slice.endpoints?.length ?? 0);
    if (room > 0 && remaining.length > 0) slice.endpoints = [...(slice.endpoints ?? []), ...remaining.splice(0, room)];
  }
  plan.update.push(...slices.updating);
  if (remaining.length === 0) return;
  const fits = [...slices.unchanged].sort(fullestFirst).find((s) => max - (s.endpoints?.length ?? 0) >= remaining.length);
  if (fits) {
    plan.update.push(withChanges(fits, svc, [...(fits.endpoints ?? []), ...remaining.splice(0)]));
    return;
  }
  for (const chunk of chunks(remaining, max)) plan.create.push(newSlice(svc, set, chunk));
};

/** The placeholder case: no endpoints, so keep (or make) exactly one empty slice. */
const planPlaceholder = (svc: ApiService, owned: ApiEndpointSlice[], plan: SlicePlan): SlicePlan => {
  const keep = owned.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
  for (const s of owned) if (s !== keep) plan.delete.push(s);
  if (!keep) plan.create.push(newSlice(svc, { ports: [] }, []));
  else if (!deepEqual(keep.metadata.labels ?? {}, sliceLabels(svc))) plan.update.push(withChanges(keep, svc, []));
  return plan;
};

/**
 * The writes that turn `existing` (every slice labelled with the service's name) into slices
 * holding exactly `desired`. Slices of another owner or address type are deleted as stale.
 */
export const planEndpointSlices = (svc: ApiService, desired: Map<string, EndpointSet>, existing: readonly ApiEndpointSlice[], max = defaultMaxEndpointsPerSlice): SlicePlan => {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const owned = existing.filter((s) => ownedBy(s, svc) && s.addressType === 'IPv4');
  plan.delete.push(...existing.filter((s) => !owned.includes(s) && s.metadata.labels?.[managedByLabel] === controllerManagedBy));
  const total = [...desired.values()].reduce((n, s) => n + s.endpoints.size, 0);
  if (total === 0) return planPlaceholder(svc, owned, plan);
  const handled = new Set<string>();
  const byPorts = new Map<string, ApiEndpointSlice[]>();
  for (const s of owned) byPorts.set(portsKey(s.ports), [...(byPorts.get(portsKey(s.ports)) ?? []), s]);
  for (const [key, slices] of byPorts) {
    const set = desired.get(key);
    const want = new Map(set?.endpoints ?? []);
    const kept = reconcileExisting(svc, slices, want, plan);
    if (set) {
      placeRemaining(svc, set, [...want.values()], kept, max, plan);
      handled.add(key);
    } else {
      plan.update.push(...kept.updating);
    }
  }
  for (const [key, set] of desired) {
    if (!handled.has(key)) for (const chunk of chunks([...set.endpoints.values()], max)) plan.create.push(newSlice(svc, set, chunk));
  }
  return plan;
};
