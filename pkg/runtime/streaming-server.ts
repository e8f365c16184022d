// The runtime's streaming server, as containerd's (k8s.io/kubelet/pkg/cri/streaming): Exec, Attach
// and PortForward answer with a one-time URL (`http://127.0.0.1:PORT/exec/TOKEN`); the client
// (the agent, proxying kubectl) upgrades it to a WebSocket and speaks the channel protocol of
// streaming-protocol.ts. Tokens expire after a minute and are used once.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../log';
import type { AttachRequest, ExecRequest, PortForwardRequest } from './exec-cri-types';
import type { ExecProcess } from './exec';
import {
  channel, chooseProtocol, execProtocols, exitStatus, failureStatus, frame, parsePorts, parseResize,
  portForwardProtocols, portHeader, successStatus, unframe,
} from './streaming-protocol';

export interface StreamingBackend {
  exec(req: ExecRequest): Promise<ExecProcess>;
  attach(req: AttachRequest, signal: AbortSignal): Promise<ExecProcess>;
  portForward(podSandboxId: string, port: number): Promise<ExecProcess>;
}

type Pending =
  | { kind: 'exec'; req: ExecRequest; expires: number }
  | { kind: 'attach'; req: AttachRequest; expires: number }
  | { kind: 'portforward'; req: PortForwardRequest; expires: number };

export interface StreamingOptions {
  backend: StreamingBackend;
  log: Logger;
  /** Listen address; containerd's default is the loopback and a free port. */
  address?: string;
  port?: number;
  ttlMs?: number;
  now?: () => number;
}

const toBuffer = (d: RawData): Buffer => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d));

/** Messages that arrive before the session is wired (stdin typed at once) are kept, then handed over in order. */
export interface Inbox { on(handler: (ch: number, data: Buffer) => void): void }

const inboxOf = (ws: WebSocket): Inbox => {
  const early: Buffer[] = [];
  const handlers: ((ch: number, data: Buffer) => void)[] = [];
  ws.on('message', (d: RawData) => {
    const msg = toBuffer(d);
    if (handlers.length === 0) { early.push(msg); return; }
    const { ch, data } = unframe(msg);
    for (const h of handlers) h(ch, data);
  });
  return {
    on: (handler) => {
      handlers.push(handler);
      for (const msg of early.splice(0)) { const { ch, data } = unframe(msg); for (const h of handlers) h(ch, data); }
    },
  };
};

const ended = (s: Readable | null): Promise<void> => new Promise((resolve) => {
  if (!s || s.readableEnded || s.destroyed) { resolve(); return; }
  s.once('end', () => resolve());
  s.once('close', () => resolve());
  s.once('error', () => resolve());
});

export class StreamingServer {
  private readonly pending = new Map<string, Pending>();
  private readonly http: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseProtocol(offered, [...execProtocols, ...portForwardProtocols]) ?? false });
  private readonly sessions = new Set<WebSocket>();
  private base = '';

  constructor(private readonly o: StreamingOptions) {
    this.http = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...failureStatus('a WebSocket upgrade is required (v5.channel.k8s.io, v4.channel.k8s.io)'), kind: 'Status', apiVersion: 'v1', code: 400, reason: 'BadRequest' }));
    });
    this.http.on('upgrade', (req, socket, head) => {
      const session = this.take(req.url ?? '');
      if (!session) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nunknown or expired streaming token\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const inbox = inboxOf(ws);
        this.sessions.add(ws);
        ws.on('close', () => this.sessions.delete(ws));
        this.serve(ws, inbox, session.pending, session.query).catch((err: unknown) => {
          this.o.log.warn('streaming session failed', { kind: session.pending.kind, err });
          ws.close(1011);
        });
      });
    });
  }

  /** Starts listening; returns the base URL (`http://127.0.0.1:PORT`). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.o.port ?? 0, this.o.address ?? '127.0.0.1', () => resolve());
    });
    const a = this.http.address() as AddressInfo;
    this.base = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    return this.base;
  }

  async close(): Promise<void> {
    for (const ws of this.sessions) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  getExec(req: ExecRequest): string { return this.register({ kind: 'exec', req, expires: 0 }); }
  getAttach(req: AttachRequest): string { return this.register({ kind: 'attach', req, expires: 0 }); }
  getPortForward(req: PortForwardRequest): string { return this.register({ kind: 'portforward', req, expires: 0 }); }

  private now(): number { return (this.o.now ?? Date.now)(); }

  private register(p: Pending): string {
    const token = crypto.randomBytes(8).toString('base64url');
    for (const [t, old] of this.pending) if (old.expires <= this.now()) this.pending.delete(t);
    this.pending.set(token, { ...p, expires: this.now() + (this.o.ttlMs ?? 60_000) });
    return `${this.base}/${p.kind}/${token}`;
  }

  private take(url: string): { pending: Pending; query: URLSearchParams } | undefined {
    const u = new URL(url, 'http://x');
    const [, kind, token] = u.pathname.split('/');
    const p = token ? this.pending.get(token) : undefined;
    if (!p || p.kind !== kind) return undefined;
    this.pending.delete(token);
    return p.expires > this.now() ? { pending: p, query: u.searchParams } : undefined;
  }

  private async serve(ws: WebSocket, inbox: Inbox, p: Pending, query: URLSearchParams): Promise<void> {
    if (p.kind === 'portforward') return this.servePortForward(ws, inbox, p.req, query);
    if (!(execProtocols as readonly string[]).includes(ws.protocol)) { ws.close(1002, 'unsupported protocol'); return; }
    const abort = new AbortController();
    ws.on('close', () => abort.abort());
    let proc: ExecProcess;
    try {
      proc = p.kind === 'exec' ? await this.o.backend.exec(p.req) : await this.o.backend.attach(p.req, abort.signal);
    } catch (err) {
      ws.send(frame(channel.error, JSON.stringify(failureStatus(err instanceof Error ? err.message : String(err)))));
      ws.close(1000);
      return;
    }
    await relayProcess(ws, inbox, proc, { stdout: p.req.stdout !== false, stderr: p.req.stderr !== false });
  }

  private async servePortForward(ws: WebSocket, inbox: Inbox, req: PortForwardRequest, query: URLSearchParams): Promise<void> {
    if (!(portForwardProtocols as readonly string[]).includes(ws.protocol)) { ws.close(1002, 'unsupported protocol'); return; }
    let ports: number[];
    try {
      ports = query.getAll('port').length > 0 ? parsePorts(query.getAll('port')) : req.port;
    } catch (err) {
      ws.close(1008, err instanceof Error ? err.message : String(err));
      return;
    }
    ports.forEach((port, i) => { ws.send(frame(2 * i, portHeader(port))); ws.send(frame(2 * i + 1, portHeader(port))); });
    // Data for a port whose connection is not up yet waits in its queue (the client writes at once).
    const queues = new Map<number, Buffer[]>(ports.map((_, i) => [2 * i, []]));
    const procs = new Map<number, ExecProcess>();
    inbox.on((ch, data) => { const p = procs.get(ch); if (p) p.stdin?.write(data); else queues.get(ch)?.push(data); });
    await Promise.all(ports.map((port, i) => this.forwardPort(ws, req.podSandboxId, port, i, { procs, queues })));
    if (ws.readyState === ws.OPEN) ws.close(1000);
  }

  /** One port: its connection's output goes to data channel 2i; input arrives through `procs`. */
  private async forwardPort(ws: WebSocket, sandboxId: string, port: number, i: number,
    { procs, queues }: { procs: Map<number, ExecProcess>; queues: Map<number, Buffer[]> }): Promise<void> {
    let proc: ExecProcess;
    try {
      proc = await this.o.backend.portForward(sandboxId, port);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      ws.send(frame(2 * i + 1, `error forwarding port ${port} to pod ${sandboxId}: ${reason}`));
      return;
    }
    proc.stdin?.on('error', () => undefined); // the peer closed first; its outcome says so
    for (const data of queues.get(2 * i)?.splice(0) ?? []) proc.stdin?.write(data);
    procs.set(2 * i, proc);
    ws.on('close', () => proc.kill());
    proc.stdout.on('data', (c: Buffer) => { if (ws.readyState === ws.OPEN) ws.send(frame(2 * i, c)); });
    await Promise.all([ended(proc.stdout), proc.outcome]);
    procs.delete(2 * i);
  }
}

/** Wires a process to the exec channels; sends the final Status once its output has drained. */
export const relayProcess = async (ws: WebSocket, inbox: Inbox, proc: ExecProcess, want: { stdout: boolean; stderr: boolean }): Promise<void> => {
  const send = (ch: number, data: Buffer | string) => { if (ws.readyState === ws.OPEN) ws.send(frame(ch, data)); };
  proc.stdin?.on('error', () => undefined); // the process may exit before reading all of stdin
  inbox.on((ch, data) => {
    if (ch === channel.stdin) proc.stdin?.write(data);
    else if (ch === channel.resize) { const size = parseResize(data); if (size) proc.resize(size.width, size.height); }
    else if (ch === channel.close && data[0] === channel.stdin) proc.stdin?.end();
  });
  ws.on('close', () => proc.kill());
  proc.stdout.on('data', (c: Buffer) => { if (want.stdout) send(channel.stdout, c); });
  proc.stderr?.on('data', (c: Buffer) => { if (want.stderr) send(channel.stderr, c); });
  const [outcome] = await Promise.all([proc.outcome, ended(proc.stdout), ended(proc.stderr)]);
  if (outcome.helperError) send(channel.error, JSON.stringify(failureStatus(outcome.helperError)));
  else {
    if (outcome.startError) send(channel.stderr, `${outcome.startError}\n`);
    send(channel.error, JSON.stringify(outcome.exitCode === 0 ? successStatus() : exitStatus(outcome.exitCode)));
  }
  if (ws.readyState === ws.OPEN) ws.close(1000);
};
