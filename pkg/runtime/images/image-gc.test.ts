import { silentLogger } from '../../log';
import { ImageGC, type GCImage, type GCImageStore, type ImageGCPolicy } from './image-gc';

const mib = 1 << 20;

/** A store of images whose removal frees their size from a fake filesystem. */
const fakeWorld = (images: GCImage[], capacity: number, baseUsed: number) => {
  const stored = new Map(images.map((i) => [i.id, { ...i }]));
  const removed: string[] = [];
  let pruneCalls: Set<string>[] = [];
  const store: GCImageStore = {
    gcCandidates: async () => [...stored.values()].map((i) => ({ ...i })),
    remove: async (id) => { stored.delete(id); removed.push(id); },
    pruneSnapshots: async (inUse) => { pruneCalls.push(inUse); return 0; },
  };
  const fsStats = async () => ({ capacityBytes: capacity, usedBytes: baseUsed + [...stored.values()].reduce((a, i) => a + i.size, 0) });
  return { store, fsStats, removed, stored, prunes: () => { const p = pruneCalls; pruneCalls = []; return p; } };
};

const policy: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 60_000 };

describe('ImageGC', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => { now = 1_700_000_000_000; });

  const gcFor = (world: ReturnType<typeof fakeWorld>, inUse: string[] = []) => new ImageGC({
    store: world.store, inUse: async () => new Set(inUse), fsStats: world.fsStats, clock, log: silentLogger(), policy,
  });

  test('below the high threshold nothing is removed, snapshots are still pruned', async () => {
    const world = fakeWorld([{ id: 'a', size: 10 * mib }], 100 * mib, 70 * mib);
    const r = await gcFor(world).garbageCollect();
    expect(r).toMatchObject({ removed: [], freedBytes: 0 });
    expect(r.usagePercent).toBeCloseTo(80);
    expect(world.prunes()).toHaveLength(1);
  });

  test('removes least recently used first, down to the low threshold, never in-use or young images', async () => {
    // 100 MiB fs, 50 base + 40 of images = 90%: must free 10 MiB to reach 80%.
    const world = fakeWorld([
      { id: 'used-long-ago', size: 4 * mib, lastUsed: now - 10 * 3_600_000 },
      { id: 'used-recently', size: 4 * mib, lastUsed: now - 3_600_000 },
      { id: 'in-use', size: 20 * mib, lastUsed: now - 20 * 3_600_000 },
      { id: 'never-used', size: 4 * mib },
      { id: 'used-between-passes', size: 8 * mib, lastUsed: now + 60_000 },
    ], 100 * mib, 50 * mib);
    const gc = gcFor(world, ['in-use']);
    // The first pass sees every image for the first time: all are younger than minAge.
    expect((await gc.garbageCollect()).removed).toEqual([]);
    now += 2 * 60_000;
    const r = await gc.garbageCollect();
    // never-used counts from when it was first seen (the first pass): newer than used-recently.
    expect(r.removed).toEqual(['used-long-ago', 'used-recently', 'never-used']);
    expect(r.freedBytes).toBe(12 * mib);
    expect([...world.stored.keys()].sort()).toEqual(['in-use', 'used-between-passes']);
    expect(world.prunes().map((s) => [...s])).toEqual([['in-use'], ['in-use']]);
  });

  test('an image in use at one pass counts as used then; later passes order by that', async () => {
    const world = fakeWorld([{ id: 'a', size: 10 * mib, lastUsed: now - 5_000_000 }, { id: 'b', size: 10 * mib, lastUsed: now - 1_000_000 }], 100 * mib, 0);
    let capacity = 100 * mib;
    let inUse = ['a'];
    const gc = new ImageGC({
      store: world.store, inUse: async () => new Set(inUse), clock, log: silentLogger(), policy: { ...policy, minAgeMs: 0 },
      fsStats: async () => ({ ...(await world.fsStats()), capacityBytes: capacity }),
    });
    expect((await gc.garbageCollect()).removed).toEqual([]); // 20%: records a as used now
    now += 1_000;
    inUse = [];
    capacity = 22 * mib; // 20 of 22 MiB: 91%, down to 17.6 MiB frees one image
    expect((await gc.garbageCollect()).removed).toEqual(['b']);
  });

  test('nothing removable: warns and frees nothing', async () => {
    const world = fakeWorld([{ id: 'a', size: 50 * mib }], 100 * mib, 40 * mib);
    const r = await gcFor(world, ['a']).garbageCollect();
    expect(r.removed).toEqual([]);
    expect(r.usagePercent).toBeCloseTo(90);
  });

  test('a low threshold above the high one is refused', () => {
    const world = fakeWorld([], 1, 0);
    expect(() => new ImageGC({ store: world.store, inUse: async () => new Set(), fsStats: world.fsStats, clock, log: silentLogger(),
      policy: { highThresholdPercent: 50, lowThresholdPercent: 60 } })).toThrow(/above the high/);
  });
});
