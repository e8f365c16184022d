// `berth up`: prepares $BERTH_HOME (config, PKI, kubeconfig, base image), starts `berth server`
// in the background and returns once the node reports Ready. Running it again is harmless.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePki, writeKubeconfig } from '../apiserver';
import { createClient, loadKubeconfig } from '../client';
import { importImage } from '../runtime';
import type { Logger } from '../log';
import type { Node } from '../../api/core/v1';
import { resources } from '../../api/resources';
import { type ClusterConfig, loadOrCreateConfig, paths } from './config';
import { berthMain } from './components';
import { serverPid } from './process';

export interface UpOptions {
  home: string;
  overrides: Partial<ClusterConfig>;
  /** OCI archives imported into the runtime's image store before the runtime starts. */
  images: string[];
  timeoutMs: number;
  progress: (line: string) => void;
  log: Logger;
}

const nodesInfo = resources.find((r) => r.plural === 'nodes')!;

const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const waitForNodeReady = async (cfg: ClusterConfig, timeoutMs: number, progress: (s: string) => void): Promise<void> => {
  const client = createClient(loadKubeconfig({ path: paths(cfg.home).kubeconfig }));
  const nodes = client.resource<Node & { metadata: NonNullable<Node['metadata']> }>(nodesInfo);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    let state: string;
    try {
      state = isReady(await nodes.get('', cfg.nodeName)) ? 'ready' : 'node registered, not ready yet';
    } catch (err) {
      state = `waiting for the node to register (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    }
    if (state === 'ready') return;
    if (state !== last) { progress(state); last = state; }
    if (Date.now() > deadline) throw new Error(`node ${cfg.nodeName} not Ready after ${timeoutMs / 1000}s; see ${paths(cfg.home).logs}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

export const up = async (opts: UpOptions): Promise<ClusterConfig> => {
  const cfg = loadOrCreateConfig(opts.home, opts.overrides);
  const p = paths(cfg.home);
  for (const dir of [p.logs, p.run, p.runtime, p.pki, p.podLogs]) fs.mkdirSync(dir, { recursive: true });
  await ensurePki(p.pki, { hosts: [cfg.nodeIP, os.hostname().toLowerCase()] });
  writeKubeconfig(p.kubeconfig, { server: `https://127.0.0.1:${cfg.ports.apiserver}`, pkiDir: p.pki });
  for (const archive of opts.images) {
    opts.progress(`importing image ${path.basename(archive)}`);
    await importImage(p.runtime, archive, opts.log);
  }
  if (serverPid(cfg.home) === undefined) {
    opts.progress('starting etcd, apiserver, runtime, agent, scheduler, proxy and controller-manager');
    const out = fs.openSync(path.join(p.logs, 'server.log'), 'a');
    const child = spawn(process.execPath, [berthMain(), 'server'], {
      detached: true, stdio: ['ignore', out, out], env: { ...process.env, BERTH_HOME: cfg.home },
    });
    fs.closeSync(out);
    fs.writeFileSync(p.serverPid, String(child.pid));
    child.unref();
  } else {
    opts.progress('cluster already running');
  }
  await waitForNodeReady(cfg, opts.timeoutMs, opts.progress);
  return cfg;
};
