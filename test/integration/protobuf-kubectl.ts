// Runs a real kubectl binary against a test cluster, with a fresh cache dir and optional stdin:
// as the admin (the cluster's kubeconfig) or with other credentials (a token, a certificate).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { pkiPaths } from '../../pkg/apiserver';
import type { TestCluster } from './apiserver-helpers';

export interface Run { code: number; stdout: string; stderr: string }

export type Kubectl = (args: string[], stdin?: string) => Promise<Run>;

const run = (binary: string, args: string[], stdin?: string): Promise<Run> => new Promise((resolve, reject) => {
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('error', reject);
  child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
  child.stdin.end(stdin ?? '');
});

export const kubectlRunner = (c: TestCluster, binary = 'kubectl'): Kubectl => {
  const cache = mkdtempSync(path.join(c.dir, 'cache-'));
  return (args, stdin) => run(binary, ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, ...args], stdin);
};

/** Who kubectl is when it is not the admin: a bearer token, or a client certificate and key. */
export type Credentials = { token: string } | { cert: string; key: string };

/**
 * kubectl with only `who`'s credentials: no kubeconfig, so nothing of the admin's comes along.
 * One discovery cache per cluster, as a user's: what a later call is refused is then the request
 * itself, not its discovery.
 */
export const kubectlAs = (c: TestCluster, who: Credentials, binary: string): Kubectl => {
  const p = pkiPaths(path.join(c.dir, 'pki'));
  const auth = 'token' in who ? [`--token=${who.token}`] : [`--client-certificate=${who.cert}`, `--client-key=${who.key}`];
  const cache = path.join(c.dir, 'credentials-cache');
  return (args, stdin) => run(binary, ['--kubeconfig', '/dev/null', `--server=${c.api.url}`, `--certificate-authority=${p.caCert}`, ...auth, '--cache-dir', cache, ...args], stdin);
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
