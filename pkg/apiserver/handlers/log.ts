// pods/log: proxied to the node's agent (https://<InternalIP>:<kubelet port>/containerLogs/...),
// authenticating with the admin client certificate and trusting only the cluster CA.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { PeerCertificate } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import type { Request, Response } from 'express';
import type { Node, Pod } from '../../../api/core/v1';
import { badRequest, serviceUnavailable } from '../../apimachinery/errors';
import { objectKey } from '../../storage';
import { pkiPaths } from '../pki';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { keyOf, queryOf, queryString } from './common';
import { sendError } from './respond';

const forwarded = ['follow', 'tailLines', 'timestamps', 'sinceSeconds', 'sinceTime', 'previous', 'limitBytes'];

/** The container a log request is for: the named one, or the only one. */
export const pickContainer = (pod: Pod, requested: string | undefined): string => {
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  const name = pod.metadata?.name ?? '';
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const main = (pod.spec?.containers ?? []).map((c) => c.name);
  if (main.length === 1) return main[0];
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`);
};

export const agentEndpoint = (node: Node): { host: string; port: number } => {
  const addrs = node.status?.addresses ?? [];
  const host = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'Hostname')?.address;
  if (!host) throw badRequest(`node ${node.metadata?.name ?? ''} has no InternalIP address`);
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250 };
};

/**
 * How the apiserver reaches a node's agent: the admin certificate, trusting the cluster CA. The
 * agent's certificate names the node (CN=system:node:<name>); its IP may not be a SAN.
 */
export const agentTLS = (pkiDir: string, nodeName: string) => {
  const p = pkiPaths(pkiDir);
  return {
    ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey),
    checkServerIdentity: (h: string, cert: PeerCertificate): Error | undefined =>
      (cert.subject?.CN === `system:node:${nodeName}` ? undefined : checkServerIdentity(h, cert)),
  };
};

export const handleLog = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  const pod = (await ctx.store.get(keyOf(ri))) as Pod;
  const container = pickContainer(pod, queryString(q, 'container'));
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${ri.name} does not have a host assigned`);
  const node = (await ctx.store.get(objectKey('nodes', undefined, nodeName))) as Node;
  const { host, port } = agentEndpoint(node);
  const params = new URLSearchParams();
  for (const k of forwarded) {
    const v = queryString(q, k);
    if (v !== undefined) params.set(k, v);
  }
  const path = `/containerLogs/${encodeURIComponent(ri.namespace)}/${encodeURIComponent(ri.name)}/${encodeURIComponent(container)}?${params}`;
  await new Promise<void>((resolve) => {
    const upstream = https.request({ host, port, path, method: 'GET', ...agentTLS(ctx.pkiDir, nodeName) }, (up) => {
      res.status(up.statusCode ?? 502);
      res.set('Content-Type', up.headers['content-type'] ?? 'text/plain');
      res.flushHeaders();
      up.pipe(res);
      up.on('end', resolve);
      up.on('error', () => resolve());
    });
    res.on('close', () => { upstream.destroy(); resolve(); });
    upstream.on('error', (err) => {
      if (!res.headersSent) sendError(res, serviceUnavailable(`unable to reach the agent on node ${nodeName}: ${err.message}`), ctx.log);
      else res.end();
      resolve();
    });
    upstream.end();
  });
};
