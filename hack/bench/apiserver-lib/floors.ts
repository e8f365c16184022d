// The floors the apiserver's figures are compared with, measured in the same run: raw etcd3
// puts and gets of the stored pod's bytes, a bare node HTTPS server answering the same bytes,
// and a bare node HTTPS server streaming the same 1,000 × 1,000 fan-out (fanout-floor.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { pkiPaths } from '../../../pkg/apiserver';
import { freePort, waitFor, type RunningEtcd } from '../../../test/integration/harness';
import { load, newAgent, nowMs, percentile, request, round, type LoadResult } from './client';
import { cpuSeconds, etcdPid, rssMiB } from './proc';
import { WatchFleet } from './watch-fleet';
import { levels, print, say, settle, stopChild, watchThreads, type Api, type CpuLoadResult } from './api';

/** The floor: raw etcd3 puts and gets of the stored pod's bytes, keys never repeated. */
export const etcdFloor = async (etcd: RunningEtcd, value: string) => {
  const client = new Etcd3({ hosts: etcd.endpoint });
  const pid = etcdPid(etcd.endpoint);
  const put: CpuLoadResult[] = [];
  const get: CpuLoadResult[] = [];
  // CPU per operation of etcd and of this process (the etcd3 client), as for the apiserver.
  const measured = async (fn: () => Promise<LoadResult>): Promise<CpuLoadResult> => {
    const before = { self: process.cpuUsage(), etcd: pid ? cpuSeconds(pid) : 0 };
    const r = await fn();
    const self = process.cpuUsage(before.self);
    const per = (s: number) => round((s * 1000) / Math.max(1, r.ops), 3);
    return { ...r, etcdCpuMsPerOp: pid ? per(cpuSeconds(pid) - before.etcd) : NaN, clientCpuMsPerOp: per((self.user + self.system) / 1e6) };
  };
  for (const c of levels) {
    put.push(await measured(() => load(c, 20_000, 2500, async (i) => { await client.put(`/bench/raw/${c}/${i}`).value(value); })));
    print('etcd3 put (floor)', put.at(-1) as CpuLoadResult);
  }
  for (const c of levels) {
    const n = put[0].ops;
    get.push(await measured(() => load(c, 20_000, 2500, async (i) => { await client.get(`/bench/raw/1/${i % n}`).buffer(); })));
    print('etcd3 get (floor)', get.at(-1) as CpuLoadResult);
  }
  await client.delete().prefix('/bench/raw/');
  // The floor leaves ~80,000 revisions behind: compact them now and let etcd go idle, or its
  // compaction and backend work would be billed to the apiserver phases that follow.
  const { header } = await client.get('/bench/raw/none').exec();
  await client.kv.compact({ revision: header.revision, physical: true });
  client.close();
  await settle(etcdPid(etcd.endpoint));
  return { put, get };
};

/** A bare HTTPS server answering a fixed 1.5 KB body: what TLS + node's http cost without the apiserver. */
export const httpsFloor = async (api: Api, dir: string, body: string): Promise<LoadResult> => {
  const port = await freePort();
  const p = pkiPaths(path.join(dir, 'pki'));
  const script = `const https=require('https'),fs=require('fs');const b=${JSON.stringify(body)};` +
    `https.createServer({cert:fs.readFileSync(${JSON.stringify(p.apiserverCert)}),key:fs.readFileSync(${JSON.stringify(p.apiserverKey)}),` +
    `ca:fs.readFileSync(${JSON.stringify(p.caCert)}),requestCert:true,rejectUnauthorized:false},(q,s)=>{s.setHeader('Content-Type','application/json');s.end(b)})` +
    `.listen(${port},'127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const agent = newAgent(api.creds, 16);
  const base = `https://127.0.0.1:${port}`;
  await waitFor(async () => (await request(agent, base, 'GET', '/')).status === 200, { what: 'https floor server' });
  await Promise.all(Array.from({ length: 16 }, () => request(agent, base, 'GET', '/'))); // connections open, as warm() does
  const r = await load(16, 20_000, 2500, async () => { await request(agent, base, 'GET', '/'); });
  print('bare node https GET (floor)', r);
  agent.destroy();
  child.kill();
  return r;
};

/** The same 1,000 × 1,000 fan-out from a bare node HTTPS server: the floor for the watch figure. */
export const fanoutFloor = async (api: Api, dir: string, lineBytes: number, perSecond: number) => {
  const port = await freePort();
  const p = pkiPaths(path.join(dir, 'pki'));
  const cfg = { port, cert: p.apiserverCert, key: p.apiserverKey, ca: p.caCert, count: 1000, lineBytes, perSecond };
  const child = spawn(process.execPath, [path.join(__dirname, 'fanout-floor.js'), JSON.stringify(cfg)], { stdio: 'ignore' });
  const base = `https://127.0.0.1:${port}`;
  const agent = newAgent(api.creds, 1);
  try {
    await waitFor(async () => (await request(agent, base, 'POST', '/ping')).status === 200, { timeoutMs: 20_000, what: 'fan-out floor server' });
    const rssIdle = rssMiB(child.pid as number).rss;
    const fleet = new WatchFleet(api.creds, base, '/watch', 1000, 1000, watchThreads);
    await waitFor(() => fleet.open === 1000, { timeoutMs: 180_000, what: 'floor watches open' });
    const before = cpuSeconds(child.pid as number);
    const rssOpen = rssMiB(child.pid as number).rss;
    const t0 = nowMs();
    await request(agent, base, 'POST', '/start');
    await waitFor(() => fleet.complete(1000) === 1000, { timeoutMs: 60_000, intervalMs: 10, what: 'floor deliveries' }).catch((err: Error) => say(`  ${err.message}`));
    const seconds = (nowMs() - t0) / 1000;
    const serverCpuSeconds = round(cpuSeconds(child.pid as number) - before, 2);
    say(`  bare server RSS: idle ${rssIdle} MiB, 1,000 watchers open ${rssOpen} MiB, after the burst ${rssMiB(child.pid as number).rss} MiB`);
    const d = await fleet.close();
    const lat = d.received.map((r, k) => r - d.sent[k]);
    return { deliveries: d.n, deliveriesPerSecond: Math.round(d.n / seconds), p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)), serverCpuSeconds };
  } finally {
    agent.destroy();
    await stopChild(child);
  }
};
