// The apiserver benchmark (issue 4): in one run, against one etcd on tmpfs, the floor (raw etcd3
// puts and gets of a pod-sized value, and a bare HTTPS server's GET) and the apiserver's pod
// create/get/list/watch at 1, 16 and 64 clients, a LIST of 10,000 pods from the watch cache,
// 1,000 watchers × a burst of 1,000 creates, and the apiserver's RSS holding those 11,000 pods
// and 1,000 watchers (the LIST and the burst run on a fresh apiserver, the earlier phases' pods
// deleted). The apiserver runs as a child process (`berth apiserver`) so its RSS is its own;
// the watch clients run in worker threads (apiserver-lib/watch-fleet.ts). Figures and
// ratios against the targets are printed and written to results/apiserver.json; nothing
// is asserted. BENCH_PROFILE=<dir> writes a CPU profile of the apiserver there;
// BENCH_HEAP_SNAPSHOT=<dir> a heap snapshot at the end of the burst, when its RSS is read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { startEtcd, waitFor } from '../../test/integration/harness';
import { load, newAgent, nowMs, percentile, request, round, type LoadResult } from './apiserver-lib/client';
import { etcdPid, rssMiB } from './apiserver-lib/proc';
import { WatchFleet } from './apiserver-lib/watch-fleet';
import {
  createPods, heapSnapshot, cpuDuring, ensureNamespace, levels, memory, print, root, say, settle, startApiserver, stopChild, warm, watchThreads, withCpu,
  type Api, type CpuLoadResult,
} from './apiserver-lib/api';
import { etcdFloor, fanoutFloor, httpsFloor } from './apiserver-lib/floors';

const out = process.argv[2] ?? path.join(root, 'hack', 'bench', 'results', 'apiserver.json');
const figures: Record<string, unknown> = {};
/** BENCH_PHASES=crud,burst runs a subset (when profiling one part); `steady` (not in the default set) compares builds. */
const phases = new Set((process.env.BENCH_PHASES ?? 'floor,crud,watch,list,burst').split(','));

const apiCrud = async (api: Api, etcdEndpoint: string) => {
  const create: CpuLoadResult[] = [];
  const get: CpuLoadResult[] = [];
  const list: CpuLoadResult[] = [];
  const ep = etcdPid(etcdEndpoint);
  await ensureNamespace(api, 'bench');
  for (const c of levels) {
    create.push(await withCpu(api, ep, () => createPods(api, 'bench', `c${c}`, c, 20_000, 3000)));
    print('apiserver pod create', create.at(-1) as LoadResult);
  }
  const n = create[1].ops;
  for (const c of levels) {
    const agent = newAgent(api.creds, c);
    await warm(api, agent, c, 'bench');
    get.push(await withCpu(api, ep, () => load(c, 20_000, 2500, async (i) => {
      const res = await request(agent, api.base, 'GET', `/api/v1/namespaces/bench/pods/c16-${i % n}`);
      if (res.status !== 200) throw new Error(`get: ${res.status}`);
    })));
    print('apiserver pod get', get.at(-1) as LoadResult);
    agent.destroy();
  }
  await ensureNamespace(api, 'bench-list');
  await createPods(api, 'bench-list', 'l', 16, 100, 20_000);
  for (const c of levels) {
    const agent = newAgent(api.creds, c);
    await warm(api, agent, c, 'bench-list');
    list.push(await withCpu(api, ep, () => load(c, 5000, 2500, async () => {
      const res = await request(agent, api.base, 'GET', '/api/v1/namespaces/bench-list/pods?resourceVersion=0');
      if (res.status !== 200) throw new Error(`list: ${res.status}`);
    })));
    print('apiserver list 100 pods (RV=0)', list.at(-1) as LoadResult);
    agent.destroy();
  }
  return { create, get, list };
};

/**
 * Steady state, for comparing builds on a busy machine: after a warm-up (JIT, connections), pod
 * creates at 64 clients and gets at 16 for `seconds` each, with CPU milliseconds per operation.
 */
const steady = async (api: Api, etcdEndpoint: string, seconds = 5) => {
  const ep = etcdPid(etcdEndpoint);
  await ensureNamespace(api, 'steady');
  await createPods(api, 'steady', 'warm', 16, 2000, 60_000);
  const create = await withCpu(api, ep, () => createPods(api, 'steady', 's', 64, 1e9, seconds * 1000));
  print('steady pod create', create);
  const agent = newAgent(api.creds, 16);
  await warm(api, agent, 16, 'steady');
  const get = await withCpu(api, ep, () => load(16, 1e9, seconds * 1000, async (i) => {
    const res = await request(agent, api.base, 'GET', `/api/v1/namespaces/steady/pods/warm-${i % 2000}`);
    if (res.status !== 200) throw new Error(`get: ${res.status}`);
  }));
  agent.destroy();
  print('steady pod get', get);
  return { create, get };
};

/** `watchers` watches of one namespace (worker threads), then `count` creates; every delivery's latency. */
/** `onOpen` runs once every watch is open, `beforeClose` after the deliveries (both while the watches are open). */
interface BurstHooks { onOpen?: () => void; beforeClose?: () => Promise<void> }

const watchBurst = async (api: Api, etcdEndpoint: string, ns: string, watchers: number, count: number, writers: number, maxMs: number, hooks: BurstHooks = {}) => {
  await ensureNamespace(api, ns);
  const listAgent = newAgent(api.creds, 1);
  const rv = (JSON.parse((await request(listAgent, api.base, 'GET', `/api/v1/namespaces/${ns}/pods?limit=1`)).body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  listAgent.destroy();
  const t0 = nowMs();
  const fleet = new WatchFleet(api.creds, api.base, `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}`, watchers, count, watchThreads);
  await waitFor(() => fleet.open === watchers, { timeoutMs: 180_000, intervalMs: 20, what: 'watches open' });
  const openMs = nowMs() - t0;
  hooks.onOpen?.();
  // Delivery latency counts from the create's acknowledgement (an event that arrives before it
  // counts 0); end-to-end latency from the moment the create was sent.
  const acked = new Float64Array(count);
  const t1 = nowMs();
  let createdMs = 0;
  const { value: create, cpu } = await cpuDuring(api, etcdPid(etcdEndpoint), async () => {
    const created = await createPods(api, ns, 'w', writers, count, maxMs, acked);
    createdMs = nowMs() - t1;
    await waitFor(() => fleet.complete(created.ops) === watchers, { timeoutMs: maxMs, intervalMs: 10, what: 'deliveries' }).catch((err: Error) => say(`  ${err.message}`));
    return created;
  });
  const seconds = (nowMs() - t1) / 1000;
  const complete = fleet.complete(create.ops);
  await hooks.beforeClose?.();
  const d = await fleet.close();
  const lat = new Float64Array(d.n);
  const e2e = new Float64Array(d.n);
  for (let k = 0; k < d.n; k++) {
    const ack = acked[d.index[k]];
    lat[k] = ack > 0 ? Math.max(0, d.received[k] - ack) : 0;
    e2e[k] = d.received[k] - d.sent[k];
  }
  return {
    watchers, events: create.ops, openMs: Math.round(openMs), createsDoneMs: Math.round(createdMs), complete, cpu, deliveries: d.n, deliveriesPerSecond: Math.round(d.n / seconds),
    p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)), maxMs: round(percentile(lat, 100)),
    createP50Ms: create.p50Ms, createP99Ms: create.p99Ms,
    endToEndP50Ms: round(percentile(e2e, 50)), endToEndP99Ms: round(percentile(e2e, 99)),
  };
};

const listFromCache = async (api: Api, ns: string) => {
  const agent = newAgent(api.creds, 1);
  const time = async (q: string) => {
    const t0 = nowMs();
    const res = await request(agent, api.base, 'GET', `/api/v1/namespaces/${ns}/pods${q}`);
    const ms = nowMs() - t0;
    const items = (res.body.toString('latin1').match(/"kind":"Pod"/g) ?? []).length;
    return { ms, items, bytes: res.body.length };
  };
  const cached = [];
  for (let i = 0; i < 10; i++) cached.push(await time('?resourceVersion=0'));
  const etcd = [];
  for (let i = 0; i < 3; i++) etcd.push(await time(''));
  agent.destroy();
  return {
    items: cached[0].items, bytes: cached[0].bytes,
    cacheP50Ms: round(percentile(cached.map((c) => c.ms), 50)), cacheMaxMs: round(percentile(cached.map((c) => c.ms), 100)),
    etcdP50Ms: round(percentile(etcd.map((c) => c.ms), 50)),
  };
};

const target = (what: string, value: number, goal: number, better: 'lower' | 'higher', unit = '') => {
  const ok = better === 'lower' ? value <= goal : value >= goal;
  say(`  ${what.padEnd(52)} ${String(value).padStart(9)}${unit}  target ${better === 'lower' ? '≤' : '≥'} ${goal}${unit}  ${ok ? 'met' : 'MISSED'} (ratio ${round(value / goal, 2)})`);
  return { value, target: goal, met: ok };
};

interface Results {
  floor?: Awaited<ReturnType<typeof etcdFloor>>;
  https?: LoadResult;
  crud?: Awaited<ReturnType<typeof apiCrud>>;
  list10k?: Awaited<ReturnType<typeof listFromCache>>;
  burst?: Awaited<ReturnType<typeof watchBurst>>;
  fanoutFloor?: Awaited<ReturnType<typeof fanoutFloor>>;
  rss?: { rss: number; hwm: number };
  rssSteps?: Record<string, Record<string, number>>;
}

const watchLevels = async (api: Api, etcdEndpoint: string) => {
  const watch = [];
  for (const c of levels) {
    const w = await watchBurst(api, etcdEndpoint, `watch-${c}`, c, 300, 16, 20_000);
    watch.push(w);
    say(`${'apiserver watch (300 creates)'.padEnd(34)} c=${String(c).padStart(2)} ${String(w.deliveriesPerSecond).padStart(6)} deliveries/s  p50 ${w.p50Ms} ms  p99 ${w.p99Ms} ms after the ack (from the send p99 ${w.endToEndP99Ms} ms)`);
  }
  return watch;
};

const bigPhases = async (api: Api, etcdEndpoint: string, dir: string, podBytes: number, r: Results) => {
  if (phases.has('list')) {
    await ensureNamespace(api, 'bench-10k');
    const bulk = await createPods(api, 'bench-10k', 'p', 64, 10_000, 60_000);
    say(`created ${bulk.ops} pods for the LIST in ${bulk.seconds} s (${bulk.perSecond}/s at 64 clients)`);
    (r.rssSteps ??= {}).with10kPods = await memory(api);
    r.list10k = await listFromCache(api, 'bench-10k');
    say(`LIST ${r.list10k.items} pods (${round(r.list10k.bytes / 2 ** 20)} MiB): cache (RV=0) p50 ${r.list10k.cacheP50Ms} ms max ${r.list10k.cacheMaxMs} ms; etcd (RV="") p50 ${r.list10k.etcdP50Ms} ms`);
  }
  if (phases.has('burst')) {
    // As after the floor: etcd's and the apiserver's work left from the LIST's 10,000 creates
    // (etcd's backend commits and snapshot, V8's collection of the create garbage) is not the burst's.
    await settle(etcdPid(etcdEndpoint));
    await settle(api.child.pid);
    const steps = (r.rssSteps ??= {});
    let opened: Promise<Record<string, number>> | undefined;
    r.burst = await watchBurst(api, etcdEndpoint, 'burst', 1000, 1000, 64, 90_000, {
      onOpen: () => { opened = memory(api); },
      beforeClose: async () => {
        r.rss = rssMiB(api.child.pid as number);
        steps.afterBurst = await memory(api);
        if (process.env.BENCH_HEAP_SNAPSHOT) await heapSnapshot(api);
      },
    });
    if (opened) steps.with1000WatchersOpen = await opened;
    say(`1,000 watchers × ${r.burst.events} creates: opened in ${r.burst.openMs} ms, ${r.burst.complete} complete, ${r.burst.deliveries} deliveries; ` +
      `after the create's ack p50 ${r.burst.p50Ms} ms p99 ${r.burst.p99Ms} ms max ${r.burst.maxMs} ms; from the send p50 ${r.burst.endToEndP50Ms} p99 ${r.burst.endToEndP99Ms} ms (create p50 ${r.burst.createP50Ms} p99 ${r.burst.createP99Ms} ms)`);
    say(`  during the burst (${r.burst.cpu.wallSeconds} s, creates done after ${r.burst.createsDoneMs} ms): CPU seconds apiserver ${r.burst.cpu.apiserverCpuSeconds}, etcd ${r.burst.cpu.etcdCpuSeconds}, bench client ${r.burst.cpu.benchClientCpuSeconds}`);
    say(`apiserver RSS holding ~11,000 pods and 1,000 watchers: ${r.rss?.rss} MiB (peak ${r.rss?.hwm} MiB); steps ${JSON.stringify(r.rssSteps)}`);
    // The floor streams the same bytes at the rate the creates actually arrived.
    const perSecond = Math.max(1, Math.round(r.burst.events / Math.max(0.001, r.burst.createsDoneMs / 1000)));
    r.fanoutFloor = await fanoutFloor(api, dir, podBytes + 40, perSecond);
    say(`bare https fan-out 1,000 × 1,000 at ${perSecond} events/s (floor): ${r.fanoutFloor.deliveriesPerSecond} deliveries/s, p50 ${r.fanoutFloor.p50Ms} ms p99 ${r.fanoutFloor.p99Ms} ms; server CPU ${r.fanoutFloor.serverCpuSeconds} s`);
  }
};

const targets = (r: Results) => {
  say('\ntargets (issue 4):');
  const t: Record<string, unknown> = {};
  if (r.crud && r.floor) t.createVsPut64 = target('pod create/s at 64 ÷ raw etcd put/s at 64', round(r.crud.create[2].perSecond / r.floor.put[2].perSecond, 2), 0.5, 'higher');
  if (r.crud) t.getP99At16 = target('pod get p99 at 16 clients', r.crud.get[1].p99Ms, 10, 'lower', ' ms');
  if (r.list10k) t.list10kFromCache = target('LIST 10,000 pods from the watch cache (p50)', r.list10k.cacheP50Ms, 150, 'lower', ' ms');
  if (r.burst) t.watchP99 = target('1,000 watchers × 1,000 events, delivery p99', r.burst.p99Ms, 250, 'lower', ' ms');
  if (r.burst && r.fanoutFloor) {
    say(`  ratios: watch delivery p99 ÷ bare https fan-out p99 ${round(r.burst.p99Ms / r.fanoutFloor.p99Ms, 1)}; ` +
      `apiserver CPU per delivery ÷ bare server's ${round(r.burst.cpu.apiserverCpuSeconds / r.fanoutFloor.serverCpuSeconds, 1)}`);
  }
  if (r.rss) t.rss = target('apiserver RSS (10,000+ pods, 1,000 watchers)', r.rss.rss, 400, 'lower', ' MiB');
  if (r.crud && r.https && r.floor) {
    say(`  ratios: get p99 at 16 ÷ bare https p99 at 16 ${round(r.crud.get[1].p99Ms / r.https.p99Ms, 1)}; ` +
      `get/s at 16 ÷ bare https/s at 16 ${round(r.crud.get[1].perSecond / r.https.perSecond, 2)}; get/s at 16 ÷ etcd get/s at 16 ${round(r.crud.get[1].perSecond / r.floor.get[1].perSecond, 2)}`);
  }
  return t;
};

const main = async () => {
  const started = nowMs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-api-'));
  const etcd = await startEtcd();
  let api: Api | undefined;
  const r: Results = {};
  try {
    api = await startApiserver(etcd, dir);
    // The stored pod's bytes (with defaults and status) are the raw floor's value.
    await ensureNamespace(api, 'probe');
    await createPods(api, 'probe', 'size', 1, 1, 5000);
    const agent = newAgent(api.creds, 1);
    const stored = (await request(agent, api.base, 'GET', '/api/v1/namespaces/probe/pods/size-0')).body.toString();
    agent.destroy();
    figures.podBytes = stored.length;
    say(`pod as stored: ${stored.length} bytes`);
    r.rssSteps = { idle: await memory(api) };
    if (phases.has('floor')) {
      r.floor = await etcdFloor(etcd, stored);
      r.https = await httpsFloor(api, dir, stored);
      figures.floor = { etcdPut: r.floor.put, etcdGet: r.floor.get, httpsGet16: r.https };
    }
    if (phases.has('crud')) figures.apiserver = r.crud = await apiCrud(api, etcd.endpoint);
    if (phases.has('steady')) figures.steady = await steady(api, etcd.endpoint);
    if (phases.has('watch')) figures.watch = await watchLevels(api, etcd.endpoint);
    if ((phases.has('list') || phases.has('burst')) && ['crud', 'steady', 'watch'].some((x) => phases.has(x))) {
      // The memory target is for an apiserver holding 10,000 pods: drop the ~15,000 pods the
      // phases above created and start a fresh apiserver, so the big phases hold just theirs.
      r.rssSteps.afterCrud = await memory(api);
      await stopChild(api.child);
      api = undefined;
      const client = new Etcd3({ hosts: etcd.endpoint });
      await client.delete().prefix('/registry/pods/');
      client.close();
      api = await startApiserver(etcd, dir);
      r.rssSteps.freshIdle = await memory(api);
    }
    await bigPhases(api, etcd.endpoint, dir, stored.length, r);
    Object.assign(figures, { list10k: r.list10k, fanoutFloor: r.fanoutFloor, burst: r.burst, rssMiB: r.rss, rssStepsMiB: r.rssSteps });
    figures.targets = targets(r);
  } finally {
    if (api) await stopChild(api.child);
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  figures.totalSeconds = round((nowMs() - started) / 1000);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ name: 'apiserver', date: new Date().toISOString(), figures }, null, 2) + '\n');
  say(`\nwrote ${out} (${figures.totalSeconds} s)`);
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
