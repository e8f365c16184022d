// A range allocator persisted in etcd as a RangeAllocation (k8s pkg/registry/core/service/
// allocator/storage Etcd): every change is a read-modify-write of the stored bitmap with a
// compare-and-swap on its revision (the store's guaranteedUpdate), so two apiservers, or one
// restarted, never hand out the same value. Nothing is cached: the stored bitmap is the truth.
import type { ApiObject } from '../../../api/meta/v1';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import type { Store } from '../../storage';
import { AllocationBitmap, mathRandomInt, type RandomInt } from './bitmap';
import type { ServiceRange } from './ranges';

export type AllocationFailure = 'allocated' | 'not-in-range' | 'full';

/** Why a value could not be had; turned into a 422 by the caller, who knows the field. */
export class AllocationError extends Error {
  constructor(readonly reason: AllocationFailure, readonly value: string, readonly range: string) {
    super(`${reason}: ${value}`);
  }
}

export interface RangeAllocation extends ApiObject {
  range: string;
  /** The bitmap, base64. */
  data: string;
}

export interface RangeAllocator {
  readonly range: ServiceRange;
  /** Takes `value`; AllocationError 'allocated' or 'not-in-range'. */
  allocate(value: string): Promise<void>;
  /** Takes a random free value; AllocationError 'full'. */
  allocateNext(): Promise<string>;
  release(values: readonly string[]): Promise<void>;
  /** Rewrites the bitmap: `fn` gets the stored one (empty when missing or of another range). */
  modify(fn: (bitmap: AllocationBitmap) => void): Promise<AllocationBitmap>;
}

/** Keys as upstream: /registry/ranges/serviceips and /registry/ranges/servicenodeports. */
export const rangeKey = (name: string): string => `/registry/ranges/${name}`;

export const newRangeAllocator = (store: Pick<Store, 'create' | 'guaranteedUpdate'>, name: string, range: ServiceRange, random: RandomInt = mathRandomInt): RangeAllocator => {
  const key = rangeKey(name);
  const decode = (cur: ApiObject): AllocationBitmap => {
    const stored = cur as RangeAllocation;
    return AllocationBitmap.fromBase64(range.size, range.band, stored.range === range.spec ? stored.data : undefined);
  };
  const encode = (cur: ApiObject, bitmap: AllocationBitmap): RangeAllocation =>
    ({ ...cur, apiVersion: 'v1', kind: 'RangeAllocation', metadata: { ...cur.metadata, name }, range: range.spec, data: bitmap.toBase64() });

  const modify = async (fn: (bitmap: AllocationBitmap) => void): Promise<AllocationBitmap> => {
    for (;;) {
      let result: AllocationBitmap | undefined;
      try {
        await store.guaranteedUpdate(key, (cur) => {
          result = decode(cur);
          fn(result);
          return encode(cur, result);
        });
        if (!result) throw new Error(`${key}: not updated`);
        return result;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      // First use: create the empty allocation, then update it (another apiserver may win the create).
      try {
        await store.create(key, encode({ apiVersion: 'v1', kind: 'RangeAllocation', metadata: { name } }, new AllocationBitmap(range.size, range.band)));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  };

  return {
    range,
    modify,
    allocate: async (value) => {
      const offset = range.offsetOf(value);
      if (offset === undefined) throw new AllocationError('not-in-range', value, range.spec);
      await modify((b) => { if (!b.allocate(offset)) throw new AllocationError('allocated', value, range.spec); });
    },
    allocateNext: async () => {
      let picked = -1;
      await modify((b) => {
        const next = b.allocateNext(random);
        if (next === undefined) throw new AllocationError('full', '', range.spec);
        picked = next;
      });
      return range.valueAt(picked);
    },
    release: async (values) => {
      const offsets = values.map((v) => range.offsetOf(v)).filter((o): o is number => o !== undefined);
      if (offsets.length === 0) return;
      await modify((b) => { for (const o of offsets) b.release(o); });
    },
  };
};
