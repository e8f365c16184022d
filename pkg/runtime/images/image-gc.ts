// Image garbage collection by last use, as the kubelet's image GC does
// (pkg/kubelet/images/image_gc_manager.go): when the image filesystem is above the high
// threshold, remove unused images least recently used first until usage would be at the low
// threshold. An image a container uses is never removed, nor one first seen less than
// minAge ago (it may be about to start). Afterwards snapshots no image or container needs
// are deleted. The filesystem is either the real one (statfs) or a byte budget.
import type { Logger } from '../../log';
import { imageFsStats } from './fs-usage';

export type Clock = () => number;

export interface ImageGCPolicy {
  /** Start collecting at this usage, in percent of the capacity (kubelet default 85). */
  highThresholdPercent: number;
  /** Collect down to this usage (kubelet default 80). */
  lowThresholdPercent: number;
  /** Images first seen less than this many ms ago are kept (kubelet MinAge; default 2 min). */
  minAgeMs?: number;
}

export const defaultImageGCPolicy: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 2 * 60_000 };

export interface ImageFsStats {
  capacityBytes: number;
  usedBytes: number;
}

/** What the GC needs of an image. */
export interface GCImage {
  id: string;
  size: number;
  /** Last time a container was created from it (ms); undefined when not since start. */
  lastUsed?: number;
}

/** What the GC needs of the image store (ImageStore satisfies it). */
export interface GCImageStore {
  gcCandidates(): Promise<GCImage[]>;
  remove(ref: string): Promise<void>;
  /** Deletes snapshots no stored image and none of `inUseImageIDs` needs; returns how many. */
  pruneSnapshots(inUseImageIDs: Set<string>): Promise<number>;
}

export interface ImageGCDeps {
  store: GCImageStore;
  /** Image IDs of every container the runtime knows, running or not. */
  inUse: () => Promise<Set<string>>;
  fsStats: () => Promise<ImageFsStats>;
  clock: Clock;
  log: Logger;
  policy?: ImageGCPolicy;
}

export interface GCResult {
  usagePercent: number;
  removed: string[];
  freedBytes: number;
  snapshotsPruned: number;
}

export class ImageGC {
  private readonly firstSeen = new Map<string, number>();
  private readonly lastUsed = new Map<string, number>();
  private readonly policy: ImageGCPolicy;

  constructor(private readonly d: ImageGCDeps) {
    this.policy = d.policy ?? defaultImageGCPolicy;
    if (this.policy.lowThresholdPercent > this.policy.highThresholdPercent) {
      throw new Error(`image GC low threshold ${this.policy.lowThresholdPercent}% is above the high one ${this.policy.highThresholdPercent}%`);
    }
  }

  /** One pass: record use, then collect if usage is at or above the high threshold. */
  async garbageCollect(): Promise<GCResult> {
    const inUse = await this.d.inUse();
    const images = await this.detect(inUse);
    const stats = await this.d.fsStats();
    const usagePercent = stats.capacityBytes > 0 ? (stats.usedBytes * 100) / stats.capacityBytes : 0;
    const result: GCResult = { usagePercent, removed: [], freedBytes: 0, snapshotsPruned: 0 };
    if (usagePercent >= this.policy.highThresholdPercent) {
      const toFree = stats.usedBytes - (stats.capacityBytes * this.policy.lowThresholdPercent) / 100;
      this.d.log.info('image filesystem above high threshold', { usagePercent: usagePercent.toFixed(1), toFreeBytes: Math.round(toFree) });
      await this.freeSpace(images, inUse, toFree, result);
    }
    result.snapshotsPruned = await this.d.store.pruneSnapshots(inUse);
    return result;
  }

  /** Updates first-seen and last-used times; an image in use counts as used now. */
  private async detect(inUse: Set<string>): Promise<GCImage[]> {
    const now = this.d.clock();
    const images = await this.d.store.gcCandidates();
    const present = new Set(images.map((i) => i.id));
    for (const id of [...this.firstSeen.keys()]) if (!present.has(id)) { this.firstSeen.delete(id); this.lastUsed.delete(id); }
    for (const img of images) {
      if (!this.firstSeen.has(img.id)) this.firstSeen.set(img.id, now);
      const used = Math.max(inUse.has(img.id) ? now : 0, img.lastUsed ?? 0, this.lastUsed.get(img.id) ?? 0);
      if (used > 0) this.lastUsed.set(img.id, used);
    }
    return images;
  }

  private async freeSpace(images: GCImage[], inUse: Set<string>, toFree: number, result: GCResult): Promise<void> {
    const now = this.d.clock();
    const minAge = this.policy.minAgeMs ?? 0;
    const candidates = images
      .filter((i) => !inUse.has(i.id) && now - (this.firstSeen.get(i.id) ?? now) >= minAge)
      .sort((a, b) => this.usedAt(a) - this.usedAt(b) || a.id.localeCompare(b.id));
    for (const img of candidates) {
      if (result.freedBytes >= toFree) break;
      await this.d.store.remove(img.id);
      result.removed.push(img.id);
      result.freedBytes += img.size;
      this.d.log.info('image garbage-collected', { image: img.id, bytes: img.size, lastUsed: new Date(this.usedAt(img)).toISOString() });
    }
    if (result.freedBytes < toFree) {
      this.d.log.warn('image GC could not free enough', { wantedBytes: Math.round(toFree), freedBytes: result.freedBytes, inUse: inUse.size });
    }
  }

  /** Last use, or first sight for an image never used: what the LRU order sorts by. */
  private usedAt(img: GCImage): number {
    return this.lastUsed.get(img.id) ?? this.firstSeen.get(img.id) ?? 0;
  }
}

/** Runs `gc` every `intervalMs` (first after one interval) until `signal` aborts; a failed pass is logged, not fatal. */
export const runImageGC = async (gc: ImageGC, intervalMs: number, log: Logger, signal: AbortSignal): Promise<void> => {
  const sleep = () => new Promise<void>((resolve) => {
    const done = () => { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); };
    const t = setTimeout(done, intervalMs);
    signal.addEventListener('abort', done, { once: true });
  });
  for (await sleep(); !signal.aborted; await sleep()) {
    try {
      const r = await gc.garbageCollect();
      if (r.removed.length > 0 || r.snapshotsPruned > 0) log.info('image GC pass', { removed: r.removed.length, freedBytes: r.freedBytes, snapshotsPruned: r.snapshotsPruned });
    } catch (err) {
      log.error('image GC pass failed', { err: err as Error });
    }
  }
};

/** The runtime's image GC settings (RuntimeOptions.imageGC). */
export interface ImageGCOptions extends Partial<ImageGCPolicy> {
  /** Treat the image filesystem as this many bytes (blobs + snapshots) instead of the real filesystem's size. */
  budgetBytes?: number;
  /** Between passes; default 5 min (kubelet ImageGCPeriod). */
  intervalMs?: number;
}

export interface StartImageGCDeps {
  store: GCImageStore;
  /** The dirs of the image filesystem: the first is statfs'ed, all are measured under a budget. */
  dirs: string[];
  inUse: () => Promise<Set<string>>;
  log: Logger;
  options?: ImageGCOptions;
}

/** Builds the GC from runtime options and runs it until `signal` aborts. */
export const startImageGC = (d: StartImageGCDeps, signal: AbortSignal): Promise<void> => {
  const o = d.options ?? {};
  const policy: ImageGCPolicy = { ...defaultImageGCPolicy, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
  const gc = new ImageGC({ store: d.store, inUse: d.inUse, fsStats: () => imageFsStats(d.dirs, o.budgetBytes), clock: Date.now, log: d.log, policy });
  return runImageGC(gc, o.intervalMs ?? 5 * 60_000, d.log, signal);
};
