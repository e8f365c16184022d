// pods/portforward (GET or POST with an upgrade), proxied to the node's agent. Three ways in:
// - WebSocket `portforward.k8s.io` / `v4.channel.k8s.io` with the ports in the query (`ports=` as
//   PodPortForwardOptions, or `port=`): messages are relayed to the agent as they are;
// - WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl ≥1.31): SPDY inside the WebSocket;
// - SPDY/3.1 upgrade with `X-Stream-Protocol-Version: portforward.k8s.io` (kubectl ≤1.30).
// Both SPDY forms are bridged by portforward-spdy.ts, one agent connection per forwarded connection.
import type { Request, Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, forbidden, StatusError } from '../../apimachinery/errors';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { socketSession } from './exec-spdy';
import { bridgeSpdyPortForward, portForwardProtocol, tunnelProtocol, tunnelSession, type PortForwardBridgeOptions } from './portforward-spdy';
import { agentTarget, dialAgent, hold, offeredProtocols, refuse, relay, type AgentTarget } from './stream-agent';
import { upgradeOf, upgradeProtocol, type Upgrade } from './upgrade';

/** WebSocket protocols with the channel framing of the kubelet (ports in the query). */
export const wsPortForwardProtocols = [portForwardProtocol, 'v4.channel.k8s.io'];

/** Ports from `ports=` (PodPortForwardOptions) or `port=`, repeated or comma-separated. */
export const queryPorts = (q: URLSearchParams): number[] =>
  [...q.getAll('ports'), ...q.getAll('port')].flatMap((v) => v.split(',')).filter((v) => v !== '').map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw badRequest(`invalid port "${v}"`);
    return n;
  });

const agentPortPath = (ri: RequestInfo, ports: number[]): string => {
  const q = new URLSearchParams();
  for (const p of ports) q.append('port', String(p));
  return `/portForward/${encodeURIComponent(ri.namespace)}/${encodeURIComponent(ri.name)}?${q}`;
};

const accept = (u: Upgrade, req: Request, protocol: string): Promise<WebSocket> => new Promise((resolve) => {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => protocol });
  wss.handleUpgrade(req, u.socket, u.head, (ws) => { hold(ws); resolve(ws); });
});

const bridgeOptions = (ctx: HandlerContext, ri: RequestInfo, t: AgentTarget): PortForwardBridgeOptions => ({
  target: t, namespace: ri.namespace, name: ri.name, log: ctx.log,
  dial: (port) => dialAgent(t, agentPortPath(ri, [port]), portForwardProtocol),
});

const serveWebSocket = async (ctx: HandlerContext, ri: RequestInfo, t: AgentTarget, u: Upgrade, req: Request, res: Response): Promise<void> => {
  const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
  if (offered.includes(tunnelProtocol)) {
    res.statusCode = 101;
    const ws = await accept(u, req, tunnelProtocol);
    bridgeSpdyPortForward(tunnelSession(ws, ctx.log), bridgeOptions(ctx, ri, t));
    return;
  }
  const protocol = offered.find((p) => wsPortForwardProtocols.includes(p));
  if (!protocol) throw badRequest(`unable to upgrade: none of the offered WebSocket protocols is supported (supported: ${[tunnelProtocol, ...wsPortForwardProtocols].join(', ')})`);
  const ports = queryPorts(new URL(req.originalUrl, 'https://apiserver').searchParams);
  if (ports.length === 0) throw badRequest('query parameter "port" is required');
  let agent: WebSocket;
  try {
    agent = await dialAgent(t, agentPortPath(ri, ports), protocol);
  } catch (err) {
    if (err instanceof StatusError) { refuse(res, err); return; }
    throw err;
  }
  if (u.socket.destroyed) { agent.close(1000); return; }
  res.statusCode = 101;
  relay(await accept(u, req, protocol), agent);
};

const serveSpdy = (ctx: HandlerContext, ri: RequestInfo, t: AgentTarget, u: Upgrade, req: Request, res: Response): void => {
  const offered = offeredProtocols(req.headers['x-stream-protocol-version']);
  if (offered.length > 0 && !offered.includes(portForwardProtocol)) {
    throw forbidden(`unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${portForwardProtocol}]`);
  }
  res.statusCode = 101;
  u.socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${portForwardProtocol}\r\n\r\n`);
  bridgeSpdyPortForward(socketSession(u, ctx.log), bridgeOptions(ctx, ri, t));
};

export const handlePortForward = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const t = await agentTarget(ctx, ri);
  const u = upgradeOf(req);
  const kind = upgradeProtocol(req);
  if (!u || (kind !== 'websocket' && kind !== 'spdy/3.1')) throw badRequest('Upgrade request required');
  ctx.log.v(2, 'port-forward session', { pod: `${ri.namespace}/${ri.name}`, transport: kind });
  if (kind === 'websocket') await serveWebSocket(ctx, ri, t, u, req, res);
  else serveSpdy(ctx, ri, t, u, req, res);
};
