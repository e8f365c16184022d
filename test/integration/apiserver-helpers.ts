// Shared by the apiserver integration suites: a real etcd, an in-process apiserver on port 0
// and a tiny HTTPS client using the admin certificate.
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiserver, pkiPaths, writeKubeconfig, type RunningApiserver } from '../../pkg/apiserver';
import { silentLogger, createLogger } from '../../pkg/log';
import { startEtcd, type RunningEtcd } from './harness';

export interface TestCluster {
  etcd: RunningEtcd;
  api: RunningApiserver;
  dir: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

export const startTestCluster = async (): Promise<TestCluster> => {
  const etcd = await startEtcd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-api-'));
  const log = process.env.BERTH_TEST_LOG ? createLogger('apiserver') : silentLogger();
  const api = await startApiserver({ etcdServers: [etcd.endpoint], bind: '127.0.0.1', port: 0, pkiDir: path.join(dir, 'pki') }, log);
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { server: api.url, pkiDir: path.join(dir, 'pki') });
  return {
    etcd, api, dir, kubeconfig,
    stop: async () => {
      await api.close();
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown }

export interface RequestOpts {
  body?: unknown; contentType?: string; accept?: string; anonymous?: boolean;
  /** Extra request headers (impersonation). */
  headers?: Record<string, string>;
}

export const requester = (c: TestCluster) => (method: string, urlPath: string, opts: RequestOpts = {}): Promise<Reply> => {
  const p = pkiPaths(path.join(c.dir, 'pki'));
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(`${c.api.url}${urlPath}`, {
      method, ca: readFileSync(p.caCert),
      ...(opts.anonymous ? {} : { cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey) }),
      headers: {
        Accept: opts.accept ?? 'application/json',
        ...(payload !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
        ...opts.headers,
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        const json: unknown = /^\s*[{[]/.test(text) && /json/.test(String(res.headers['content-type'])) ? JSON.parse(text) : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
};

/** Opens a watch and collects its events until `close()` is called. */
export const openWatch = (c: TestCluster, urlPath: string, accept = 'application/json') => {
  const p = pkiPaths(path.join(c.dir, 'pki'));
  const events: Array<{ type: string; object: { metadata?: { name?: string }; [k: string]: unknown } }> = [];
  let buf = '';
  let status = 0;
  const req = https.request(`${c.api.url}${urlPath}`, {
    ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey), headers: { Accept: accept },
  }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)) as (typeof events)[number]);
        buf = buf.slice(i + 1);
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return { events, status: () => status, close: () => req.destroy() };
};

export const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'test' } },
  spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  ...extra,
});
