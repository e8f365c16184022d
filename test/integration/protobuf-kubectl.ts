// Runs a real kubectl binary against a test cluster, with a fresh cache dir and optional stdin.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from './apiserver-helpers';

export interface Run { code: number; stdout: string; stderr: string }

export type Kubectl = (args: string[], stdin?: string) => Promise<Run>;

export const kubectlRunner = (c: TestCluster, binary = 'kubectl'): Kubectl => {
  const cache = mkdtempSync(path.join(c.dir, 'cache-'));
  return (args, stdin) => new Promise((resolve, reject) => {
    const child = spawn(binary, ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
    child.stdin.end(stdin ?? '');
  });
};

type Json = Record<string, unknown>;

const volatileMeta = ['resourceVersion', 'creationTimestamp', 'managedFields', 'namespace', 'generation', 'selfLink'];

/**
 * The stored object without what differs between two creates of the same manifest: server-set
 * metadata, the last-applied annotation kubectl apply adds, allocated cluster IPs, and the name
 * (cluster-scoped objects are created under two names).
 */
export const comparable = (obj: Json, name: string): Json => {
  const uid = String((obj.metadata as Json | undefined)?.uid ?? 'no-uid');
  const text = JSON.stringify(obj).split(uid).join('UID').split(JSON.stringify(name).slice(1, -1)).join('NAME');
  const o = JSON.parse(text) as Json;
  const meta = (o.metadata ?? {}) as Json;
  for (const k of volatileMeta) delete meta[k];
  const annotations = meta.annotations as Json | undefined;
  if (annotations) {
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  const spec = o.spec as Json | undefined;
  if (spec && o.kind === 'Service') {
    if (spec.clusterIP !== 'None') { delete spec.clusterIP; delete spec.clusterIPs; }
    for (const port of (spec.ports ?? []) as Json[]) delete port.nodePort;
  }
  return o;
};
