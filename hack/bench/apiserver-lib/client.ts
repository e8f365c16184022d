// The apiserver benchmark's client side: an HTTPS client on keep-alive agents (admin
// certificate), a closed-loop load generator and the bench pod. Watch clients are in
// watch-fleet.ts.
import https from 'node:https';
import { performance } from 'node:perf_hooks';

export interface Credentials { ca: Buffer; cert: Buffer; key: Buffer }

export const nowMs = (): number => performance.timeOrigin + performance.now();

export const percentile = (xs: ArrayLike<number>, p: number): number => {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export interface Reply { status: number; body: Buffer }

export const newAgent = (creds: Credentials, maxSockets: number): https.Agent =>
  new https.Agent({ ...creds, keepAlive: true, maxSockets, maxFreeSockets: maxSockets });

export const request = (agent: https.Agent, base: string, method: string, path: string, body?: string): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = https.request(`${base}${path}`, {
      method, agent,
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

export interface LoadResult { clients: number; ops: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number }

/** `clients` closed loops calling `op(i)` until `count` ops are done or `maxMs` has passed. */
export const load = async (clients: number, count: number, maxMs: number, op: (i: number) => Promise<void>): Promise<LoadResult> => {
  const lat: number[] = [];
  let next = 0;
  const start = nowMs();
  const deadline = start + maxMs;
  const worker = async () => {
    while (next < count && nowMs() < deadline) {
      const i = next++;
      const t0 = nowMs();
      await op(i);
      lat.push(nowMs() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (nowMs() - start) / 1000;
  return { clients, ops: lat.length, seconds: round(seconds, 2), perSecond: Math.round(lat.length / seconds), p50Ms: round(percentile(lat, 50), 2), p99Ms: round(percentile(lat, 99), 2) };
};

export const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/** A pod of about 1.5 KB as stored (with defaults, status and managedFields), as the issue asks. */
export const benchPod = (name: string, sent?: number): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, labels: { app: 'bench', tier: 'backend' }, annotations: { 'bench/sent': String(sent ?? 0) } },
  spec: {
    containers: [{
      name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'],
      ports: [{ containerPort: 8080 }],
      resources: { requests: { cpu: '100m', memory: '64Mi' } },
    }],
  },
});
