// Structural sharing of managedFields trees in the watch cache. Objects written by the same
// manager with the same shape carry identical `fieldsV1` tries, which are two thirds of a parsed
// pod's heap (≈2 KB of 3 KB); the cache keeps one frozen copy of each distinct trie. Safe because
// cached objects are frozen and never mutated (every reader serializes or copies).
import type { ApiObject } from '../../api/meta/v1';

const deepFreeze = <T>(v: T): T => {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const child of Object.values(v as Record<string, unknown>)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
};

export class FieldsInterner {
  private readonly table = new Map<string, WeakRef<object>>();
  private sweepAt = 1024;

  /** Replaces each managedFields entry's fieldsV1 by the shared copy (the object must not be frozen yet). */
  intern(obj: ApiObject): void {
    const entries = obj.metadata.managedFields;
    if (!Array.isArray(entries)) return;
    for (const e of entries) {
      const f = (e as { fieldsV1?: unknown }).fieldsV1;
      if (!f || typeof f !== 'object') continue;
      const key = JSON.stringify(f);
      const shared = this.table.get(key)?.deref();
      if (shared) {
        (e as { fieldsV1?: unknown }).fieldsV1 = shared;
      } else {
        this.table.set(key, new WeakRef(deepFreeze(f)));
        if (this.table.size > this.sweepAt) this.sweep();
      }
    }
  }

  get size(): number { return this.table.size; }

  /** Drops entries whose trie no cached object uses any more. */
  private sweep(): void {
    for (const [k, ref] of this.table) if (!ref.deref()) this.table.delete(k);
    this.sweepAt = Math.max(1024, this.table.size * 2);
  }
}
