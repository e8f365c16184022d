// WebSocket connections to the apiserver's streaming subresources (pods/exec, pods/attach,
// pods/portforward), with the kubeconfig's TLS and bearer token, as client-go's
// transport/websocket. A refused upgrade rejects with the server's Status as a StatusError,
// which kubectl prints as `error: <message>`. `ws` is required only here, so that verbs that
// never stream do not load it.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { WebSocket, type RawData } from 'ws';
import { fromStatusBody } from '../apimachinery/errors';
import type { ClientConfig, RequestOptions } from './types';

export interface DialOptions {
  query?: RequestOptions['query'];
  /** Sub-protocols offered, preferred first (Sec-WebSocket-Protocol). */
  protocols: string[];
  signal?: AbortSignal;
  handshakeTimeoutMs?: number;
}

/** The wss:// (or ws://) URL of `path` on the configured server, with the query appended. */
export const webSocketURL = (server: string, path: string, query: RequestOptions['query'] = {}): URL => {
  const base = new URL(server);
  const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
  url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
  return url;
};

const bearerToken = (config: ClientConfig): string | undefined => {
  if (!config.tokenFile) return config.token;
  return fs.readFileSync(config.tokenFile, 'utf8').trim() || config.token;
};

const readBody = (res: http.IncomingMessage): Promise<unknown> => new Promise((resolve) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      resolve(JSON.parse(text));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      resolve(text);
    }
  });
});

/**
 * An open WebSocket whose messages and close are held from the start: the server may send (and
 * even close) in the same read as its 101, before the caller has attached anything.
 */
export interface OpenWebSocket {
  ws: WebSocket;
  /** The sub-protocol the server chose. */
  protocol: string;
  /** Delivers the held messages, then the later ones; then the close (with its code). */
  consume(onMessage: (data: Buffer) => void, onClose: (code: number) => void): void;
}

const toBuffer = (d: RawData): Buffer => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d));

const holdMessages = (ws: WebSocket): OpenWebSocket => {
  const held: Buffer[] = [];
  let closed: number | undefined;
  let onMessage = (d: Buffer) => { held.push(d); };
  let onClose = (code: number) => { closed = code; };
  ws.on('message', (d: RawData) => onMessage(toBuffer(d)));
  ws.once('close', (code: number) => onClose(code));
  return {
    ws,
    get protocol() { return ws.protocol; },
    consume(m, c) {
      for (const d of held.splice(0)) m(d);
      onMessage = m;
      if (closed !== undefined) c(closed);
      else onClose = c;
    },
  };
};

/** Opens a WebSocket; resolves once it is open. */
export const dialWebSocket = (config: ClientConfig, path: string, opts: DialOptions): Promise<OpenWebSocket> => new Promise((resolve, reject) => {
  const url = webSocketURL(config.server, path, opts.query);
  const headers: Record<string, string> = { 'User-Agent': config.userAgent ?? `berth/0.1.0 (${process.platform}/${process.arch})` };
  const token = bearerToken(config);
  if (token) headers.Authorization = `Bearer ${token}`;
  // TLS goes through an agent: ws's typing of the TLS options is narrower than Node's.
  const agent = url.protocol === 'wss:'
    ? new https.Agent({ ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTLSVerify })
    : new http.Agent();
  const ws = new WebSocket(url, opts.protocols, { agent, headers, handshakeTimeout: opts.handshakeTimeoutMs ?? 30_000 });
  const open = holdMessages(ws);
  const onAbort = () => ws.terminate();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  ws.once('open', () => { opts.signal?.removeEventListener('abort', onAbort); resolve(open); });
  ws.once('unexpected-response', (_req, res) => {
    void readBody(res).then((body) => reject(fromStatusBody(res.statusCode ?? 500, body)));
  });
  ws.once('error', (err) => { opts.signal?.removeEventListener('abort', onAbort); reject(err); });
});
