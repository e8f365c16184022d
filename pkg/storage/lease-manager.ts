// etcd leases for objects written with a TTL (Events), shared the way upstream's storage/etcd3
// leaseManager shares them: a lease granted for ttl + a reuse window serves every write of that
// ttl whose expiry still falls inside the lease, so a thousand Events written within a minute
// attach to one lease rather than a thousand. An object thus lives between ttl and ttl + the
// window (at most 5 % of ttl, at most 60 s), and a lease carries at most maxObjects keys.
import type { StorageClock } from './clock';

export interface LeaseManagerOptions {
  /** Grants a lease of `ttlSeconds` in etcd, returning its id. */
  grant(ttlSeconds: number): Promise<string>;
  clock: StorageClock;
  /** The reuse window is this share of the ttl… Default 0.05. */
  reusePercent?: number;
  /** …but never longer than this. Default 60 s. */
  maxReuseSeconds?: number;
  /** Keys attached to one lease before a new one is granted. Default 1,000. */
  maxObjects?: number;
}

interface Held { id: string; expiresAt: number; objects: number }

export class LeaseManager {
  private readonly held = new Map<number, Held>();
  /** One grant in flight per ttl: concurrent writes wait for it instead of granting their own. */
  private readonly granting = new Map<number, Promise<Held>>();

  constructor(private readonly o: LeaseManagerOptions) {}

  /** The reuse window for `ttlSeconds` (upstream's getReuseDurationSecondsLocked). */
  reuseSeconds(ttlSeconds: number): number {
    return Math.min(Math.floor((this.o.reusePercent ?? 0.05) * ttlSeconds), this.o.maxReuseSeconds ?? 60);
  }

  /** A lease under which a key written now lives at least `ttlSeconds`. */
  async leaseFor(ttlSeconds: number): Promise<string> {
    let h = this.usable(ttlSeconds);
    if (!h) {
      let pending = this.granting.get(ttlSeconds);
      if (!pending) {
        pending = this.grant(ttlSeconds);
        this.granting.set(ttlSeconds, pending);
      }
      // A fresh grant is used as is, even when the grant took a while (as upstream).
      h = await pending;
    }
    h.objects++;
    return h.id;
  }

  private usable(ttlSeconds: number): Held | undefined {
    const h = this.held.get(ttlSeconds);
    if (!h) return undefined;
    const now = this.o.clock.now();
    // Valid: a key written now still gets its full ttl. Sufficient: it does not get much more.
    const valid = now + ttlSeconds * 1000 < h.expiresAt;
    const sufficient = now + (ttlSeconds + this.reuseSeconds(ttlSeconds)) * 1000 >= h.expiresAt;
    return valid && sufficient && h.objects < (this.o.maxObjects ?? 1000) ? h : undefined;
  }

  private async grant(ttlSeconds: number): Promise<Held> {
    try {
      const granted = ttlSeconds + this.reuseSeconds(ttlSeconds);
      const startedAt = this.o.clock.now();
      const id = await this.o.grant(granted);
      const h: Held = { id, expiresAt: startedAt + granted * 1000, objects: 0 };
      this.held.set(ttlSeconds, h);
      return h;
    } finally {
      this.granting.delete(ttlSeconds);
    }
  }
}
