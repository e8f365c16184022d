// GET /metrics/resource from a node's agent, the way pods/log reaches it (handlers/log.ts): the
// node's InternalIP and kubelet port, the admin client certificate, trusting only the cluster CA,
// and accepting the agent's certificate by its node name (its IP may not be a SAN).
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { Node } from '../../../api/core/v1';
import { agentEndpoint } from '../handlers/log';
import { pkiPaths } from '../pki';

const timeoutMs = 10_000;

export type FetchResourceMetrics = (node: Node) => Promise<string>;

export const agentResourceMetrics = (pkiDir: string): FetchResourceMetrics => (node) => new Promise((resolve, reject) => {
  const nodeName = node.metadata?.name ?? '';
  const { host, port } = agentEndpoint(node);
  const p = pkiPaths(pkiDir);
  const req = https.request({
    host, port, path: '/metrics/resource', method: 'GET', timeout: timeoutMs,
    ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey),
    checkServerIdentity: (h: string, cert: PeerCertificate) => (cert.subject?.CN === `system:node:${nodeName}` ? undefined : checkServerIdentity(h, cert)),
  }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (res.statusCode === 200) resolve(body);
      else reject(new Error(`agent on node ${nodeName} answered ${res.statusCode ?? 0}: ${body.slice(0, 200)}`));
    });
  });
  req.on('timeout', () => req.destroy(new Error(`agent on node ${nodeName} did not answer within ${timeoutMs}ms`)));
  req.on('error', reject);
  req.end();
});
