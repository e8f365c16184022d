// Scrapes each node's agent on demand and keeps the last two scrapes per node (metrics-server
// scrapes every 15 s; we scrape when asked, at most once per resolution). Requests within the
// resolution share one scrape. A node with no recent scrape is read twice, a short window apart,
// so that the first answer already has CPU as a rate.
import type { Node } from '../../../api/core/v1';
import type { FetchResourceMetrics } from './agent-client';
import { parseResourceMetrics, type NodeScrape } from './parse';

export interface ScraperOptions {
  fetch: FetchResourceMetrics;
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A scrape younger than this is served as is. */
  resolutionMs?: number;
  /** A scrape older than this is too old to take a rate against. */
  maxAgeMs?: number;
  /** The window of the two back-to-back scrapes of a cold node. */
  coldWindowMs?: number;
}

export interface ScrapePair { prev?: NodeScrape; cur: NodeScrape }

interface NodeState { pair?: ScrapePair; at: number; inflight?: Promise<ScrapePair> }

export class NodeScraper {
  private readonly nodes = new Map<string, NodeState>();
  private readonly resolutionMs: number;
  private readonly maxAgeMs: number;
  private readonly coldWindowMs: number;

  constructor(private readonly o: ScraperOptions) {
    this.resolutionMs = o.resolutionMs ?? 10_000;
    this.maxAgeMs = o.maxAgeMs ?? 60_000;
    this.coldWindowMs = o.coldWindowMs ?? 1000;
  }

  /** The node's last two scrapes, scraping again when the last is older than the resolution. */
  scrapes(node: Node): Promise<ScrapePair> {
    const name = node.metadata?.name ?? '';
    const st = this.nodes.get(name) ?? { at: 0 };
    this.nodes.set(name, st);
    if (st.inflight) return st.inflight;
    if (st.pair && this.o.now() - st.at < this.resolutionMs) return Promise.resolve(st.pair);
    const run = this.scrape(node, st).finally(() => { st.inflight = undefined; });
    st.inflight = run;
    return run;
  }

  /** Forgets nodes that are gone. */
  retain(names: Set<string>): void {
    for (const n of this.nodes.keys()) if (!names.has(n)) this.nodes.delete(n);
  }

  private async scrape(node: Node, st: NodeState): Promise<ScrapePair> {
    const read = async () => parseResourceMetrics(await this.o.fetch(node), this.o.now());
    const warm = st.pair && this.o.now() - st.at <= this.maxAgeMs ? st.pair.cur : undefined;
    let prev = warm;
    if (!prev) {
      prev = await read();
      await this.o.sleep(this.coldWindowMs);
    }
    const cur = await read();
    st.pair = { prev, cur };
    st.at = this.o.now();
    return st.pair;
  }
}
