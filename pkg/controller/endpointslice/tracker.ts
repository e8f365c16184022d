// What this controller wrote and the slice cache has not shown yet (k8s endpointslice
// endpointslice_tracker.go): syncing a service from a cache that misses our own last writes
// would create its slices twice, so such a service waits until the informer catches up.
// Versions are compared as etcd revisions (numeric resourceVersions).
import type { ApiEndpointSlice } from '../../../api/discovery/v1';

type Expected = { resourceVersion: string } | 'deleted';

const newer = (have: string | undefined, want: string): boolean => {
  try {
    return have !== undefined && BigInt(have) >= BigInt(want);
  } catch {
    return have === want; // not a revision: only an exact match counts
  }
};

export class SliceTracker {
  private readonly expected = new Map<string, Map<string, { what: Expected; since: number }>>();

  constructor(private readonly timeoutMs = 10_000) {}

  written(serviceKey: string, slice: ApiEndpointSlice, now: number): void {
    this.forService(serviceKey).set(slice.metadata.name ?? '', { what: { resourceVersion: slice.metadata.resourceVersion ?? '' }, since: now });
  }

  deleted(serviceKey: string, name: string, now: number): void {
    this.forService(serviceKey).set(name, { what: 'deleted', since: now });
  }

  /** True when every write of ours is in `cached` (or waited on too long to keep waiting). */
  caughtUp(serviceKey: string, cached: readonly ApiEndpointSlice[], now: number): boolean {
    const mine = this.expected.get(serviceKey);
    if (!mine) return true;
    const byName = new Map(cached.map((s) => [s.metadata.name ?? '', s]));
    for (const [name, { what, since }] of mine) {
      const seen = what === 'deleted' ? !byName.has(name) : newer(byName.get(name)?.metadata.resourceVersion, what.resourceVersion);
      if (seen || now - since > this.timeoutMs) mine.delete(name);
    }
    if (mine.size === 0) this.expected.delete(serviceKey);
    return mine.size === 0;
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  private forService(key: string) {
    let m = this.expected.get(key);
    if (!m) this.expected.set(key, (m = new Map()));
    return m;
  }
}
