// The apiserver benchmark's client side: an HTTPS client on keep-alive agents (admin
// certificate), a closed-loop load generator, and watch streams that time each event's
// delivery from a send timestamp carried in an annotation (parsed without JSON.parse, so the
// client is not the bottleneck of 1,000 watchers × 1,000 events).
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

const sentMarker = Buffer.from('"bench/sent":"');
const nameMarker = Buffer.from('"name":"');

/** What a watcher learns of one event: its send annotation, the number ending its name, when it arrived. */
export type EventSink = (sentMs: number, index: number, receivedMs: number) => void;

/** A watch that reports every event's send annotation and name index to a shared sink. */
export class TimedWatch {
  events = 0;
  status = 0;
  private rest: Buffer = Buffer.alloc(0);
  private readonly req: ReturnType<typeof https.request>;

  constructor(agent: https.Agent, base: string, path: string, private readonly sink: EventSink) {
    this.req = https.request(`${base}${path}`, { agent, headers: { Accept: 'application/json' } }, (res) => {
      this.status = res.statusCode ?? 0;
      res.on('data', (d: Buffer) => this.onData(d));
      res.on('error', () => undefined);
    });
    this.req.on('error', () => undefined);
    this.req.end();
  }

  close(): void { this.req.destroy(); }

  private onData(d: Buffer): void {
    const now = nowMs();
    const buf = this.rest.length ? Buffer.concat([this.rest, d]) : d;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      const m = buf.indexOf(sentMarker, start);
      const nm = buf.indexOf(nameMarker, start);
      if (m >= 0 && m < nl && nm >= 0 && nm < nl) {
        const sent = Number(buf.toString('latin1', m + sentMarker.length, buf.indexOf(34, m + sentMarker.length)));
        const name = buf.toString('latin1', nm + nameMarker.length, buf.indexOf(34, nm + nameMarker.length));
        this.sink(sent, Number(name.slice(name.lastIndexOf('-') + 1)), now);
      }
      this.events++;
      start = nl + 1;
    }
    this.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : Buffer.alloc(0);
  }
}

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
