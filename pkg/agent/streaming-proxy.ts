// The agent's streaming endpoints, as the kubelet serves them (server.go getExec/getAttach/
// getPortForward): /exec/<ns>/<pod>/<container>?command=…, /attach/<ns>/<pod>/<container> and
// /portForward/<ns>/<pod>?port=N. The agent asks the runtime for a one-time URL (CRI Exec, Attach,
// PortForward), connects to it with the protocols the caller offered, then completes the caller's
// WebSocket upgrade with the protocol the runtime chose and relays messages both ways. A refusal
// before the upgrade goes back as an HTTP error with a Status body.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Status } from '../../api/meta/v1';
import type { Logger } from '../log';
import type { ApiPod } from './pod-util';
import { labelContainerName, labelPodUID, type RuntimeService } from './runtime-client';
import type { StreamingRuntime } from './streaming-runtime';

export interface StreamingProxyDeps {
  runtime: RuntimeService;
  streaming: StreamingRuntime;
  getPod(namespace: string, name: string): ApiPod | undefined;
  log: Logger;
}

export class StreamingError extends Error {
  override readonly name = 'StreamingError';
  constructor(readonly code: number, readonly reason: string, message: string) { super(message); }
}

export const streamingPaths = new Set(['exec', 'attach', 'portForward']);

// Upstream's kubelet reads input/output/error (what the apiserver sends it); stdin/stdout/stderr
// are accepted too, as kubectl names them.
const flag = (q: URLSearchParams, ...names: string[]): boolean => names.some((n) => q.get(n) === '1' || q.get(n) === 'true');

export interface StreamTarget {
  kind: 'exec' | 'attach' | 'portForward';
  namespace: string;
  pod: string;
  container: string;
}

/** Parses the streaming URL; undefined when it is not one. */
export const parseStreamTarget = (pathname: string): StreamTarget | undefined => {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const kind = parts[0];
  if (kind === 'portForward' && (parts.length === 3 || parts.length === 4)) return { kind, namespace: parts[1], pod: parts[2], container: '' };
  if ((kind === 'exec' || kind === 'attach') && (parts.length === 4 || parts.length === 5)) {
    // /exec/<ns>/<pod>/<uid>/<container> is the kubelet's form with the pod UID.
    return { kind, namespace: parts[1], pod: parts[2], container: parts[parts.length - 1] };
  }
  return undefined;
};

/** Port numbers from `?port=80&port=443` (or `ports=`, comma-separated allowed). */
export const parsePortsQuery = (q: URLSearchParams): number[] => {
  const values = [...q.getAll('port'), ...q.getAll('ports')].flatMap((v) => v.split(',')).filter((v) => v !== '');
  if (values.length === 0) throw new StreamingError(400, 'BadRequest', 'query parameter "port" is required');
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StreamingError(400, 'BadRequest', `invalid port "${v}"`);
    return n;
  });
};

const findContainerId = async (d: StreamingProxyDeps, pod: ApiPod, container: string): Promise<string> => {
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  if (!spec.some((c) => c.name === container)) throw new StreamingError(400, 'BadRequest', `container ${container} is not valid for pod ${pod.metadata.name ?? ''}`);
  const list = await d.runtime.listContainers({ labelSelector: { [labelPodUID]: pod.metadata.uid ?? '', [labelContainerName]: container } });
  const running = list.filter((c) => c.state === 'CONTAINER_RUNNING').sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];
  if (!running) throw new StreamingError(400, 'BadRequest', `container not found ("${container}")`);
  return running.id;
};

const findSandboxId = async (d: StreamingProxyDeps, pod: ApiPod): Promise<string> => {
  const list = await d.runtime.listPodSandbox({ labelSelector: { [labelPodUID]: pod.metadata.uid ?? '' }, state: 'SANDBOX_READY' });
  const sb = list.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!sb) throw new StreamingError(400, 'BadRequest', `pod sandbox for pod "${pod.metadata.name ?? ''}" is not ready`);
  return sb.id;
};

/** Asks the runtime for the URL that serves this request. */
export const runtimeURL = async (d: StreamingProxyDeps, t: StreamTarget, q: URLSearchParams): Promise<string> => {
  const pod = d.getPod(t.namespace, t.pod);
  if (!pod) throw new StreamingError(404, 'NotFound', `pods "${t.pod}" not found`);
  if (t.kind === 'portForward') {
    const port = parsePortsQuery(q);
    return d.streaming.portForward({ podSandboxId: await findSandboxId(d, pod), port });
  }
  const containerId = await findContainerId(d, pod, t.container);
  const tty = flag(q, 'tty');
  const streams = { tty, stdin: flag(q, 'input', 'stdin'), stdout: flag(q, 'output', 'stdout'), stderr: !tty && flag(q, 'error', 'stderr') };
  if (t.kind === 'attach') return d.streaming.attach({ containerId, ...streams });
  const cmd = q.getAll('command');
  if (cmd.length === 0) throw new StreamingError(400, 'BadRequest', 'you must specify at least 1 command');
  return d.streaming.exec({ containerId, cmd, ...streams });
};

/** gRPC status codes of the runtime's refusals, as HTTP. */
const fromGrpc = (err: unknown): StreamingError => {
  if (err instanceof StreamingError) return err;
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  const message = typeof e.details === 'string' && e.details ? e.details : err instanceof Error ? err.message : String(err);
  switch (e.code) {
    case 3: case 9: return new StreamingError(400, 'BadRequest', message); // INVALID_ARGUMENT, FAILED_PRECONDITION
    case 5: return new StreamingError(404, 'NotFound', message);
    case 12: return new StreamingError(501, 'NotImplemented', message);
    default: return new StreamingError(500, 'InternalError', message);
  }
};

/** Writes an HTTP error with a Status body on a socket that was not upgraded, then closes it. */
export const rejectUpgrade = (socket: Duplex, code: number, body: string, contentType = 'application/json'): void => {
  socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: ${contentType}\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
};

const statusBody = (e: StreamingError): string => JSON.stringify({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code,
} satisfies Status);

// 1005/1006/1015 are reported locally but may not be sent.
const sendableCode = (code: number): number => (code >= 1000 && code < 5000 && code !== 1005 && code !== 1006 && code !== 1015 ? code : 1000);

interface Held { messages: [RawData, boolean][]; closed?: [number, Buffer]; forward?: (d: RawData, b: boolean) => void; onClose?: (code: number, reason: Buffer) => void }

/**
 * Keeps what a socket receives until it is relayed: the runtime may send (and close) in the same
 * chunk as its 101, before the caller's upgrade is complete.
 */
export const holdMessages = (ws: WebSocket): Held => {
  const h: Held = { messages: [] };
  ws.on('message', (d: RawData, b: boolean) => { if (h.forward) h.forward(d, b); else h.messages.push([d, b]); });
  ws.once('close', (code: number, reason: Buffer) => { if (h.onClose) h.onClose(code, reason); else h.closed = [code, reason]; });
  return h;
};

/** Relays every message and the closing of either side to the other, the held ones first. */
export const relayWebSockets = (a: WebSocket, ha: Held, b: WebSocket, hb: Held): void => {
  const forward = (from: WebSocket, h: Held, to: WebSocket) => {
    const onClose = (code: number, reason: Buffer) => {
      if (to.readyState === WebSocket.OPEN) to.close(sendableCode(code), reason.subarray(0, 120));
      else if (to.readyState === WebSocket.CONNECTING) to.terminate();
    };
    h.forward = (data, isBinary) => { if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary }); };
    for (const [d, bin] of h.messages.splice(0)) h.forward(d, bin);
    if (h.closed) onClose(...h.closed);
    else h.onClose = onClose;
    from.on('error', () => to.terminate());
  };
  forward(a, ha, b);
  forward(b, hb, a);
};

const offeredProtocols = (req: http.IncomingMessage): string[] =>
  (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);

/** Connects to the runtime; resolves with the open socket, or rejects with the runtime's answer. */
const dialRuntime = (url: string, protocols: string[]): Promise<{ ws: WebSocket; held: Held }> => new Promise((resolve, reject) => {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
  const held = holdMessages(ws);
  ws.once('open', () => resolve({ ws, held }));
  ws.once('unexpected-response', (_req, res) => {
    let body = '';
    res.on('data', (c: Buffer) => { body += c.toString(); });
    res.on('end', () => reject(new StreamingError(res.statusCode === 404 ? 404 : 502, res.statusCode === 404 ? 'NotFound' : 'InternalError', body.trim() || `the runtime answered ${res.statusCode ?? 0}`)));
  });
  ws.once('error', (err) => reject(new StreamingError(500, 'InternalError', `connecting to the runtime's streaming server: ${err.message}`)));
});

/** The server's 'upgrade' listener for the streaming paths. */
export const streamingUpgrade = (d: StreamingProxyDeps) => {
  const chosen = new WeakMap<http.IncomingMessage, string>();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (_offered, req) => chosen.get(req) ?? false });
  return (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'https://agent');
    const target = parseStreamTarget(url.pathname);
    socket.on('error', (err) => d.log.v(2, 'streaming socket error', { err: err.message }));
    if (!target || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      rejectUpgrade(socket, 400, statusBody(new StreamingError(400, 'BadRequest', 'a WebSocket upgrade to /exec, /attach or /portForward is required')));
      return;
    }
    void (async () => {
      const { ws: runtimeWs, held } = await dialRuntime(await runtimeURL(d, target, url.searchParams), offeredProtocols(req));
      if (socket.destroyed) { runtimeWs.close(1000); return; } // the caller went away meanwhile
      chosen.set(req, runtimeWs.protocol);
      wss.handleUpgrade(req, socket, head, (client) => {
        d.log.v(2, 'streaming session', { kind: target.kind, namespace: target.namespace, pod: target.pod, container: target.container, protocol: runtimeWs.protocol });
        relayWebSockets(client, holdMessages(client), runtimeWs, held);
      });
    })().catch((err: unknown) => {
      const e = fromGrpc(err);
      if (e.code >= 500) d.log.warn('streaming request failed', { path: url.pathname, err: e.message });
      rejectUpgrade(socket, e.code, statusBody(e));
    });
  };
};
