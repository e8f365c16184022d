// pods/proxy, services/proxy and nodes/proxy (upstream's ProxyREST and ResourceLocation): a
// request to /…/<kind>/[scheme:]<name>[:port]/proxy/<path> goes on to the pod, to one ready
// endpoint of the service, or to the node (its agent, over mutual TLS), and the answer comes back
// as it is. `kubectl proxy` users browse services this way; `kubectl get --raw` reads nodes.
// As upstream, a pod or endpoint address must be a global unicast one: a pod's status cannot
// point the apiserver at its own loopback (etcd listens there). Nodes are reached through their
// agent with the cluster's certificates, so a loopback node (the one-machine default) is fine.
// Links in HTML answers and redirects are rewritten to stay under the proxy path (proxy-links.ts).
// Not done: upgrades (WebSockets) through the proxy.
import http from 'node:http';
import { isIP } from 'node:net';
import zlib from 'node:zlib';
import https from 'node:https';
import type { Request, Response } from 'express';
import type { Endpoints, Node, Pod, Service } from '../../../api/core/v1';
import { badRequest, isNotFound, serviceUnavailable } from '../../apimachinery/errors';
import { objectKey } from '../../storage';
import type { RequestInfo } from '../request-info';
import type { Logger } from '../../log';
import type { HandlerContext } from './context';
import { agentEndpoint, agentTLS } from './log';
import { sendError } from './respond';
import { rewriteHtml, rewriteLink, type LinkContext } from './proxy-links';

/** `[scheme:]name[:port]` (net.SplitSchemeNamePort); undefined when malformed. */
export const splitSchemeNamePort = (id: string): { scheme: string; name: string; port: string } | undefined => {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) [name] = parts;
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
};

/** Where a proxied request goes. */
export interface ProxyTarget { scheme: 'http' | 'https'; host: string; port: string; tls?: https.RequestOptions }

/** IsProxyableIP: not loopback, link-local, multicast or unspecified (net.IP.IsGlobalUnicast). */
export const isProxyableIP = (ip: string): boolean => {
  const family = isIP(ip);
  if (family === 4) {
    const [a, b] = ip.split('.').map(Number);
    return !(a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224);
  }
  if (family === 6) {
    const lower = ip.toLowerCase();
    if (lower === '::' || lower === '::1' || lower.startsWith('ff')) return false;
    if (/^fe[89ab]/.test(lower)) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped ? isProxyableIP(mapped[1]) : true;
  }
  return false;
};

const hostPort = (host: string, port: string) => `${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}`;

const podTarget = async (ctx: HandlerContext, ri: RequestInfo, id: { scheme: string; name: string; port: string }): Promise<ProxyTarget> => {
  const pod = (await ctx.store.get(objectKey('pods', ri.namespace, id.name))) as Pod;
  const ip = pod.status?.podIP;
  if (!ip) throw serviceUnavailable(`pod "${id.name}" has no IP address yet`);
  if (!isProxyableIP(ip)) throw badRequest('address not allowed');
  // No port: the first port a container declares (upstream), else the scheme's.
  const port = id.port || String((pod.spec?.containers ?? []).flatMap((c) => c.ports ?? [])[0]?.containerPort ?? '');
  return { scheme: id.scheme === 'https' ? 'https' : 'http', host: ip, port };
};

/** Picks a ready endpoint address serving the port (by name; a number names the service port that has it). */
export const serviceEndpoint = (svc: Service, eps: Endpoints | undefined, id: { name: string; port: string }, random = Math.random): { ip: string; port: number } => {
  let portName = id.port;
  if (/^\d+$/.test(portName)) {
    const match = (svc.spec?.ports ?? []).find((p) => p.port === Number(portName));
    if (!match) throw serviceUnavailable(`no service port ${portName} found for service "${id.name}"`);
    portName = match.name ?? '';
  }
  const subsets = (eps?.subsets ?? []).filter((s) => (s.addresses ?? []).length > 0);
  const start = Math.floor(random() * Math.max(1, subsets.length));
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(start + i) % subsets.length];
    const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!port) continue;
    const addrs = (ss.addresses ?? []).filter((a) => isProxyableIP(a.ip));
    if (addrs.length === 0) continue;
    return { ip: addrs[Math.floor(random() * addrs.length)].ip, port: port.port };
  }
  throw serviceUnavailable(`no endpoints available for service "${id.port ? `${id.name}:${id.port}` : id.name}"`);
};

const serviceTarget = async (ctx: HandlerContext, ri: RequestInfo, id: { scheme: string; name: string; port: string }): Promise<ProxyTarget> => {
  const svc = (await ctx.store.get(objectKey('services', ri.namespace, id.name))) as Service;
  let eps: Endpoints | undefined;
  try {
    eps = (await ctx.store.get(objectKey('endpoints', ri.namespace, id.name))) as Endpoints;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const ep = serviceEndpoint(svc, eps, id);
  return { scheme: id.scheme === 'https' ? 'https' : 'http', host: ep.ip, port: String(ep.port) };
};

const nodeTarget = async (ctx: HandlerContext, id: { scheme: string; name: string; port: string }): Promise<ProxyTarget> => {
  const node = (await ctx.store.get(objectKey('nodes', undefined, id.name))) as Node;
  const agent = agentEndpoint(node);
  if (id.port && id.port !== String(agent.port)) return { scheme: id.scheme === 'https' ? 'https' : 'http', host: agent.host, port: id.port };
  return { scheme: 'https', host: agent.host, port: String(agent.port), tls: agentTLS(ctx.pkiDir, id.name) };
};

// Hop-by-hop headers and the caller's credentials stay here.
const dropped = new Set(['host', 'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'content-length']);

export const forwardedHeaders = (headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !dropped.has(k) && !k.startsWith('impersonate-')));

/** Where the request goes: the pod, an endpoint of the service, or the node's agent. */
export const proxyTarget = async (ctx: HandlerContext, ri: RequestInfo): Promise<ProxyTarget> => {
  const id = splitSchemeNamePort(ri.name);
  if (!id) throw badRequest(`invalid ${ri.resource.kind.toLowerCase()} request "${ri.name}"`);
  if (ri.resource.plural === 'pods') return podTarget(ctx, ri, id);
  if (ri.resource.plural === 'services') return serviceTarget(ctx, ri, id);
  return nodeTarget(ctx, id);
};

export const handleProxy = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const target = await proxyTarget(ctx, ri);
  const proxyPath = ri.proxyPath ?? '';
  // Nodes' agents serve no pages to browse; pods and services may.
  const links = ri.resource.plural === 'nodes' ? undefined
    : { pathPrepend: req.path.slice(0, req.path.length - proxyPath.length), backendHost: hostPort(target.host, target.port), requestHost: req.headers.host ?? '' };
  return forward(target, ri.resource.kind.toLowerCase(), proxyPath, req, res, ctx.log, links);
};

/** Pages larger than this go through as they are, links and all. */
const maxRewrittenBytes = 16 * 1024 * 1024;
const codecs: Record<string, [(b: Buffer) => Buffer, (b: Buffer) => Buffer]> = {
  gzip: [zlib.gunzipSync, zlib.gzipSync], deflate: [zlib.inflateSync, zlib.deflateSync], br: [zlib.brotliDecompressSync, zlib.brotliCompressSync],
};

/** Sends an HTML answer with its links rewritten (decoded and encoded again when compressed); a page too big or undecodable goes as it came. */
const sendRewritten = (up: http.IncomingMessage, res: Response, headers: http.OutgoingHttpHeaders, links: LinkContext, done: () => void): void => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let passing = false;
  const pass = () => {
    passing = true;
    res.writeHead(up.statusCode ?? 502, headers);
    for (const c of chunks) res.write(c);
    up.pipe(res);
  };
  up.on('data', (d: Buffer) => {
    if (passing) return;
    chunks.push(d);
    bytes += d.length;
    if (bytes > maxRewrittenBytes) { up.pause(); up.removeAllListeners('data'); pass(); up.resume(); }
  });
  up.on('end', () => {
    if (!passing) {
      const raw = Buffer.concat(chunks);
      const codec = codecs[String(headers['content-encoding'] ?? '').toLowerCase()];
      let body: Buffer;
      try {
        const page = (codec ? codec[0](raw) : raw).toString('utf8');
        const rewritten = Buffer.from(rewriteHtml(page, links));
        body = codec ? codec[1](rewritten) : rewritten;
      } catch {
        body = raw; // not what it says it is: as it came
      }
      res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': body.length });
      res.end(body);
    }
    done();
  });
};

/**
 * Sends the request on to `target` (its path after /proxy, its query and body) and streams the
 * answer back; with `links`, HTML pages and redirects get their same-host links rewritten.
 */
export const forward = (target: ProxyTarget, what: string, proxyPath: string, req: Request, res: Response, log: Logger, links?: LinkContext): Promise<void> => {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const body = Buffer.isBuffer(req.body) ? req.body : undefined;
  const client = target.scheme === 'https' ? https : http;
  return new Promise<void>((resolve) => {
    const upstream = client.request({
      host: target.host, port: target.port || undefined, method: req.method, path: `${proxyPath || '/'}${query}`,
      headers: { ...forwardedHeaders(req.headers), host: hostPort(target.host, target.port), ...(body?.length ? { 'content-length': body.length } : {}) },
      // A pod's or service's own certificate is not the cluster's to vouch for (upstream skips verification too).
      ...(target.scheme === 'https' ? (target.tls ?? { rejectUnauthorized: false }) : {}),
    }, (up) => {
      const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !dropped.has(k) || k === 'content-length')) as http.OutgoingHttpHeaders;
      if (links && typeof up.headers.location === 'string') headers.location = rewriteLink(up.headers.location, links);
      up.on('error', () => { res.destroy(); resolve(); });
      const type = String(up.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (links && type === 'text/html' && req.method !== 'HEAD') {
        sendRewritten(up, res, headers, links, resolve);
        return;
      }
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
      up.on('end', resolve);
    });
    res.on('close', () => { upstream.destroy(); resolve(); });
    upstream.on('error', (err) => {
      if (!res.headersSent) sendError(res, serviceUnavailable(`error trying to reach ${what}: ${err.message}`), log);
      else res.destroy();
      resolve();
    });
    upstream.end(body?.length ? body : undefined);
  });
};
