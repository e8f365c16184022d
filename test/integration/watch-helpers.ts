// A streaming watch client for the watch suites: collects events, reports the HTTP status and
// whether the server ended the stream; optionally over a shared keep-alive agent (many watches).
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pkiPaths } from '../../pkg/apiserver';
import type { TestCluster } from './apiserver-helpers';

export type WatchedObject = { kind?: string; apiVersion?: string; metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string>; labels?: Record<string, string> }; [k: string]: unknown };
export interface WatchedEvent { type: string; object: WatchedObject }

export interface OpenWatch {
  events: WatchedEvent[];
  status(): number;
  ended(): boolean;
  close(): void;
}

const credentials = new Map<string, { ca: Buffer; cert: Buffer; key: Buffer }>();
const credentialsOf = (dir: string) => {
  let c = credentials.get(dir);
  if (!c) {
    const p = pkiPaths(path.join(dir, 'pki'));
    c = { ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey) };
    credentials.set(dir, c);
  }
  return c;
};

export const watchStream = (c: TestCluster, urlPath: string, opts: { accept?: string; agent?: https.Agent } = {}): OpenWatch => {
  const events: WatchedEvent[] = [];
  let buf = '';
  let status = 0;
  let ended = false;
  const req = https.request(`${c.api.url}${urlPath}`, {
    ...credentialsOf(c.dir), agent: opts.agent, headers: { Accept: opts.accept ?? 'application/json' },
  }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)) as WatchedEvent);
        buf = buf.slice(i + 1);
      }
    });
    res.on('end', () => { ended = true; });
    res.on('close', () => { ended = true; });
    res.on('error', () => { ended = true; });
  });
  req.on('error', () => { ended = true; });
  req.end();
  return { events, status: () => status, ended: () => ended, close: () => req.destroy() };
};
