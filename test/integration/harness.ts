// Integration-test harness (k8s EtcdMain / SharedEtcd): one real etcd per suite on free
// loopback ports with its data on tmpfs, polled until it answers, removed on stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';

export interface RunningEtcd {
  endpoint: string;
  stop(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 (closed again, so there is a tiny race). */
export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const srv = createServer();
  srv.once('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const addr = srv.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    srv.close(() => resolve(port));
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until it returns a truthy value (returned) or the timeout passes (throws). */
export const waitFor = async <T>(cond: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> => {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${why}`);
    }
    await sleep(opts.intervalMs ?? 25);
  }
};

const exited = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve();
  else child.once('exit', () => resolve());
});

export const startEtcd = async (opts: { binary?: string } = {}): Promise<RunningEtcd> => {
  const dir = await mkdtemp(join('/dev/shm', 'berth-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  let output = '';
  const child = spawn(opts.binary ?? '/usr/bin/etcd', [
    '--name', 'default', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `default=${peer}`, '--log-level', 'error', '--logger', 'zap',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
    await rm(dir, { recursive: true, force: true });
  };
  const client = new Etcd3({ hosts: endpoint, dialTimeout: 1000 });
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}: ${output}`);
      await client.get('/berth/ready').string();
      return true;
    }, { timeoutMs: 20_000, what: `etcd on ${endpoint}` });
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.close();
  }
  return { endpoint, stop };
};
