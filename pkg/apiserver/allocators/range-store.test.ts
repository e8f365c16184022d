import { createFakeStore } from '../../storage/fake';
import { AllocationBitmap } from './bitmap';
import { AllocationError, newRangeAllocator, rangeKey, type RangeAllocation } from './range-store';
import { ipRange, portRange } from './ranges';
import { repairBitmap } from './repair';

const small = ipRange('10.96.0.0/29'); // 6 addresses

describe('newRangeAllocator', () => {
  test('creates the stored RangeAllocation on first use and keeps every allocation in it', async () => {
    const store = createFakeStore();
    const a = newRangeAllocator(store, 'serviceips', small);
    await a.allocate('10.96.0.1');
    const stored = await store.get(rangeKey('serviceips')) as RangeAllocation;
    expect(stored).toMatchObject({ kind: 'RangeAllocation', range: '10.96.0.0/29' });
    expect(AllocationBitmap.fromBase64(small.size, small.band, stored.data).allocated()).toEqual([0]);
  });

  test('requested values: taken, out of range; exhaustion; release', async () => {
    const a = newRangeAllocator(createFakeStore(), 'serviceips', small);
    await a.allocate('10.96.0.3');
    await expect(a.allocate('10.96.0.3')).rejects.toMatchObject({ reason: 'allocated', value: '10.96.0.3' });
    await expect(a.allocate('10.96.1.3')).rejects.toMatchObject({ reason: 'not-in-range', range: '10.96.0.0/29' });
    const got = await Promise.all(Array.from({ length: 5 }, () => a.allocateNext()));
    expect(new Set([...got, '10.96.0.3']).size).toBe(6);
    await expect(a.allocateNext()).rejects.toEqual(expect.any(AllocationError));
    await a.release(['10.96.0.3', 'junk']);
    expect(await a.allocateNext()).toBe('10.96.0.3');
  });

  test('two allocators on one store (two apiservers) never hand out the same value', async () => {
    const store = createFakeStore();
    const ports = portRange('30000-30019');
    const [x, y] = [newRangeAllocator(store, 'servicenodeports', ports), newRangeAllocator(store, 'servicenodeports', ports)];
    const got = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? x : y).allocateNext()));
    expect(new Set(got).size).toBe(20);
    await expect(x.allocateNext()).rejects.toMatchObject({ reason: 'full' });
  });

  test('a stored bitmap of another range is ignored (rebuilt by repair)', async () => {
    const store = createFakeStore();
    await newRangeAllocator(store, 'serviceips', small).allocate('10.96.0.1');
    const wider = newRangeAllocator(store, 'serviceips', ipRange('10.96.0.0/28'));
    await expect(wider.allocate('10.96.0.1')).resolves.toBeUndefined();
  });
});

describe('repairBitmap', () => {
  test('marks held values at once and releases a leak only after it stayed leaked for 3 passes', () => {
    const b = new AllocationBitmap(10, 0);
    b.allocate(5); // leaked: no service holds it
    const leaks = new Map<number, number>();
    expect(repairBitmap(b, [1, 2], leaks)).toEqual({ marked: 2, released: 0 });
    expect(b.allocated()).toEqual([1, 2, 5]);
    expect(repairBitmap(b, [1, 2], leaks).released).toBe(0);
    expect(repairBitmap(b, [1, 2], leaks)).toEqual({ marked: 0, released: 1 });
    expect(b.allocated()).toEqual([1, 2]);
  });
  test('a value held again before the third pass is no longer a leak', () => {
    const b = new AllocationBitmap(10, 0);
    b.allocate(5);
    const leaks = new Map<number, number>();
    repairBitmap(b, [], leaks);
    repairBitmap(b, [5], leaks);
    repairBitmap(b, [], leaks);
    repairBitmap(b, [], leaks);
    expect(b.has(5)).toBe(true);
  });
});
