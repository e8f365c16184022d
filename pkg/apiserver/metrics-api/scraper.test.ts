import type { Node } from '../../../api/core/v1';
import { NodeScraper } from './scraper';

const node: Node = { metadata: { name: 'n1' } };
const body = (t: number, cpu: number) => `node_cpu_usage_seconds_total ${cpu} ${t}\nnode_memory_working_set_bytes 1024 ${t}\n`;

describe('NodeScraper', () => {
  it('scrapes a cold node twice a window apart, serves within the resolution, and goes cold again when stale', async () => {
    let now = 0;
    const calls: number[] = [];
    const s = new NodeScraper({
      now: () => now, sleep: async (ms) => { now += ms; }, resolutionMs: 10_000, maxAgeMs: 60_000, coldWindowMs: 1000,
      fetch: async () => { calls.push(now); return body(now, now / 1000); },
    });
    const first = await s.scrapes(node);
    expect(calls).toEqual([0, 1000]);
    expect([first.prev?.node.timestamp, first.cur.node.timestamp]).toEqual([0, 1000]);
    now = 5000;
    expect(await s.scrapes(node)).toBe(first);
    now = 20_000;
    const warm = await s.scrapes(node);
    expect(calls).toEqual([0, 1000, 20_000]);
    expect(warm.prev).toBe(first.cur);
    now = 200_000;
    await s.scrapes(node);
    expect(calls.slice(3)).toEqual([200_000, 201_000]);
  });

  it('a failed scrape rejects and is retried on the next request', async () => {
    let fail = true;
    const s = new NodeScraper({ now: () => 0, sleep: async () => undefined, fetch: async () => { if (fail) throw new Error('refused'); return body(0, 1); } });
    await expect(s.scrapes(node)).rejects.toThrow('refused');
    fail = false;
    await expect(s.scrapes(node)).resolves.toBeDefined();
  });
});
