// Controller expectations (k8s pkg/controller/controller_utils.go): a controller that just
// created or deleted N objects expects N informer events before it trusts its cache again, so a
// burst of creates is not repeated while the cache catches up. Expectations expire after 5
// minutes so that a lost event cannot wedge a controller forever.
import { realClock, type Clock } from './clock';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation { add: number; del: number; timestamp: number }

export class ControllerExpectations {
  protected readonly records = new Map<string, Expectation>();
  constructor(protected readonly clock: Clock = realClock, private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS) {}

  /** True when the controller may act on `key`: no record, all events seen, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.records.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.clock.now() - e.timestamp > this.timeoutMs;
  }

  expectCreations(key: string, n: number): void { this.set(key, n, 0); }
  expectDeletions(key: string, n: number): void { this.set(key, 0, n); }
  creationObserved(key: string): void { this.lower(key, 1, 0); }
  deletionObserved(key: string): void { this.lower(key, 0, 1); }

  /** Lowers without an event, e.g. for creates that failed or were never attempted. */
  lower(key: string, add: number, del: number): void {
    const e = this.records.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  delete(key: string): void { this.records.delete(key); }

  /** `{ add, del }` still expected, for logs and tests. */
  get(key: string): { add: number; del: number } | undefined {
    const e = this.records.get(key);
    return e && { add: e.add, del: e.del };
  }

  private set(key: string, add: number, del: number): void {
    this.records.set(key, { add, del, timestamp: this.clock.now() });
  }
}

/**
 * Tracks which objects a controller deleted (UIDTrackingControllerExpectations), so that a
 * deletion seen twice (deletionTimestamp set, then the object gone) or a deletion from an
 * earlier round lowers the count only once.
 */
export class UIDTrackingControllerExpectations extends ControllerExpectations {
  private readonly deleting = new Map<string, Set<string>>();

  expectDeletionsOf(key: string, deletedKeys: string[]): void {
    this.deleting.set(key, new Set(deletedKeys));
    this.expectDeletions(key, deletedKeys.length);
  }

  /** Lowers the deletion count if `deletedKey` was one this controller asked for. */
  deletionObservedOf(key: string, deletedKey: string): void {
    const set = this.deleting.get(key);
    if (!set?.delete(deletedKey)) return;
    this.deletionObserved(key);
  }

  override delete(key: string): void {
    super.delete(key);
    this.deleting.delete(key);
  }
}
