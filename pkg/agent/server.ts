// The agent API (upstream kubelet server.go), HTTPS with client certificates from the cluster
// CA: GET /containerLogs/<namespace>/<pod>/<container> (what the apiserver's pods/log proxies
// to), /healthz, and the WebSocket upgrades of /exec, /attach and /portForward
// (streaming-proxy.ts, what pods/exec, pods/attach and pods/portforward proxy to), and the
// usage that metrics.k8s.io asks for: /stats/summary and /metrics/resource (stats-http.ts).
import fs from 'node:fs';
import https from 'node:https';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import type { Status } from '../../api/meta/v1';
import type { Logger } from '../log';
import { streamLog, type StreamOptions } from './log-stream';
import { podLogDirectory, type ApiPod } from './pod-util';
import { labelContainerName, labelPodUID, type ContainerStatus, type RuntimeService } from './runtime-client';
import { serveStats, statsPaths, type StatsProvider } from './stats-http';
import { streamingPaths, streamingUpgrade } from './streaming-proxy';
import type { StreamingRuntime } from './streaming-runtime';

export interface ServerDeps {
  runtime: RuntimeService;
  /** The pod from the agent's cache. */
  getPod(namespace: string, name: string): ApiPod | undefined;
  podLogDir: string;
  log: Logger;
  /** Undefined when healthy. */
  healthCheck?(): string | undefined;
  /** The runtime's Exec/Attach/PortForward; without it the streaming paths are refused. */
  streaming?: StreamingRuntime;
  /** /stats/summary and /metrics/resource (stats-http.ts); without it they are not found. */
  stats?: StatsProvider;
}

export interface TLSFiles { cert: Buffer; key: Buffer; ca: Buffer }

export const readAgentTLS = (pkiDir: string): TLSFiles => ({
  cert: fs.readFileSync(path.join(pkiDir, 'agent.crt')),
  key: fs.readFileSync(path.join(pkiDir, 'agent.key')),
  ca: fs.readFileSync(path.join(pkiDir, 'ca.crt')),
});

/** An HTTP error carried to the response as a meta/v1 Status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly code: number, readonly reason: string, message: string) { super(message); }
}

const writeStatus = (res: http.ServerResponse, code: number, reason: string, message: string): void => {
  const body: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

const intParam = (q: URLSearchParams, name: string): number | undefined => {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, 'BadRequest', `invalid ${name} ${JSON.stringify(v)}`);
  return n;
};

const boolParam = (q: URLSearchParams, name: string): boolean => q.get(name) === 'true' || q.get(name) === '1';

/** Parses the kubectl logs options (PodLogOptions) from the query. */
export const logOptions = (q: URLSearchParams, now: number): StreamOptions & { previous: boolean } => {
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  const sinceMs = sinceSeconds !== undefined ? now - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw new HttpError(400, 'BadRequest', `invalid sinceTime ${JSON.stringify(sinceTime)}`);
  return {
    follow: boolParam(q, 'follow'), timestamps: boolParam(q, 'timestamps'), previous: boolParam(q, 'previous'),
    tailLines: intParam(q, 'tailLines'), limitBytes: intParam(q, 'limitBytes'), sinceMs,
  };
};

/** Finds the runtime container whose log is asked for (the latest run, or the one before with previous). */
export const findLogContainer = async (d: ServerDeps, pod: ApiPod, container: string, previous: boolean): Promise<ContainerStatus> => {
  const podName = pod.metadata.name ?? '';
  if (![...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some((c) => c.name === container)) {
    throw new HttpError(400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
  }
  const list = await d.runtime.listContainers({ labelSelector: { [labelPodUID]: pod.metadata.uid ?? '', [labelContainerName]: container } });
  list.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  const chosen = list[previous ? 1 : 0];
  if (!chosen) {
    throw new HttpError(400, 'BadRequest', previous
      ? `previous terminated container "${container}" in pod "${podName}" not found`
      : `container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  }
  return d.runtime.containerStatus(chosen.id);
};

const serveLogs = async (d: ServerDeps, parts: string[], q: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
  const [namespace, podName, containerName] = parts;
  const pod = d.getPod(namespace, podName);
  if (!pod) throw new HttpError(404, 'NotFound', `pods "${podName}" not found`);
  const containers = pod.spec?.containers ?? [];
  const container = containerName ?? (containers.length === 1 ? containers[0].name : undefined);
  if (!container) throw new HttpError(400, 'BadRequest', `a container name must be specified for pod ${podName}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
  const opts = logOptions(q, Date.now());
  const st = await findLogContainer(d, pod, container, opts.previous);
  const file = path.isAbsolute(st.logPath) ? st.logPath : path.join(podLogDirectory(d.podLogDir, pod), st.logPath);
  if (!fs.existsSync(file)) throw new HttpError(404, 'NotFound', `log file for container "${container}" in pod "${podName}" not found`);
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  req.on('close', () => { if (!res.writableFinished) ac.abort(); });
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
  await streamLog(file, { ...opts, follow: opts.follow && !opts.previous }, {
    signal: ac.signal,
    write: (text) => new Promise<void>((resolve) => { if (res.write(text)) resolve(); else res.once('drain', resolve); }),
    stillRunning: async () => {
      const cur = await d.runtime.containerStatus(st.id);
      return cur.state === 'CONTAINER_RUNNING' || cur.state === 'CONTAINER_CREATED';
    },
  });
  res.end();
};

export const handle = (d: ServerDeps) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
  const url = new URL(req.url ?? '/', 'https://agent');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const done = (err: unknown) => {
    if (res.headersSent) { res.destroy(); d.log.warn('log stream failed', { path: url.pathname, err }); return; }
    if (err instanceof HttpError) { writeStatus(res, err.code, err.reason, err.message); return; }
    d.log.error('request failed', { path: url.pathname, err });
    writeStatus(res, 500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
  };
  if (streamingPaths.has(parts[0] ?? '') && (req.method === 'GET' || req.method === 'POST')) {
    writeStatus(res, 400, 'BadRequest', 'Upgrade request required');
    return;
  }
  if (req.method !== 'GET') { writeStatus(res, 405, 'MethodNotAllowed', `${req.method} is not supported`); return; }
  if (url.pathname === '/healthz') {
    const problem = d.healthCheck?.();
    res.writeHead(problem ? 500 : 200, { 'Content-Type': 'text/plain' });
    res.end(problem ?? 'ok');
    return;
  }
  if (d.stats && statsPaths.has(url.pathname)) {
    serveStats(d.stats, url.pathname, res).catch(done);
    return;
  }
  if (parts[0] === 'containerLogs' && (parts.length === 3 || parts.length === 4)) {
    serveLogs(d, parts.slice(1), url.searchParams, req, res).catch(done);
    return;
  }
  writeStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
};

/** Serves the agent API until `signal` aborts; resolves with the bound port. */
export const serveAgentAPI = async (d: ServerDeps, o: { port: number; host?: string; tls: TLSFiles }, signal: AbortSignal): Promise<{ port: number; closed: Promise<void> }> => {
  const server = https.createServer({ ...o.tls, requestCert: true, rejectUnauthorized: true }, handle(d));
  const sessions = new Set<Duplex>();
  if (d.streaming) {
    const upgrade = streamingUpgrade({ runtime: d.runtime, streaming: d.streaming, getPod: d.getPod, log: d.log });
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      sessions.add(socket);
      socket.once('close', () => sessions.delete(socket));
      upgrade(req, socket, head);
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  d.log.info('serving agent API', { port });
  const closed = new Promise<void>((resolve) => {
    const close = () => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sessions) s.destroy(); // upgraded sockets are no longer the server's
    };
    if (signal.aborted) close(); else signal.addEventListener('abort', close, { once: true });
  });
  return { port, closed };
};
