// pods/exec and pods/attach (GET or POST with an upgrade), proxied to the node's agent, which
// speaks the WebSocket channel protocol `v5.channel.k8s.io`. Clients arrive either as a WebSocket
// (kubectl ≥1.30: v5; others v4, v3, v2, channel.k8s.io) whose messages are relayed — with the
// error channel turned into plain text for the protocols before v4 — or as SPDY/3.1 (kubectl
// ≤1.29, or KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false), bridged by exec-spdy.ts.
import type { Request, Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, forbidden, StatusError } from '../../apimachinery/errors';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { bridgeSpdyExec, execStreams } from './exec-spdy';
import { pickContainer } from './log';
import { agentTarget, dialAgent, hold, offeredProtocols, refuse, relay, type AgentTarget } from './stream-agent';
import { upgradeOf, upgradeProtocol, type Upgrade } from './upgrade';

/** The WebSocket sub-protocols of remote command, newest first (upstream's wsstream). */
export const wsExecProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** Over SPDY upstream stops at v4 (v5 only adds the WebSocket close of stdin). */
export const spdyExecProtocols = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** What the apiserver speaks to the agent. */
export const agentExecProtocol = 'v5.channel.k8s.io';

const errorChannel = 3;

/** The first protocol the client offered that we support (the client's order, as upstream). */
export const negotiate = (offered: string[], supported: string[]): string | undefined => offered.find((p) => supported.includes(p));

const flag = (q: URLSearchParams, name: string): boolean => q.get(name) === 'true' || q.get(name) === '1';

export interface ExecParams { container: string; command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

/** PodExecOptions / PodAttachOptions from the query (kubectl's names). */
export const execParams = (q: URLSearchParams, container: string, attach: boolean): ExecParams => {
  const p = { container, command: q.getAll('command'), stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr'), tty: flag(q, 'tty') };
  if (!attach && p.command.length === 0) throw badRequest('you must specify at least 1 command');
  if (!p.stdin && !p.stdout && !p.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (p.tty && p.stderr) p.stderr = false; // a terminal merges stderr into stdout, as the kubelet does
  return p;
};

/** The agent's path for this request. */
export const agentPath = (attach: boolean, ri: RequestInfo, p: ExecParams): string => {
  const q = new URLSearchParams();
  for (const c of attach ? [] : p.command) q.append('command', c);
  for (const k of ['stdin', 'stdout', 'stderr', 'tty'] as const) if (p[k]) q.set(k, '1');
  const seg = [attach ? 'attach' : 'exec', ri.namespace, ri.name, p.container].map(encodeURIComponent).join('/');
  return `/${seg}?${q}`;
};

/** The agent's v5 error channel as a v1–v3 client reads it: nothing on success, else the message. */
export const legacyErrorChannel = (msg: Buffer): Buffer | undefined => {
  if (msg[0] !== errorChannel) return msg;
  try {
    const st = JSON.parse(msg.subarray(1).toString('utf8')) as { status?: string; message?: string };
    if (st.status === 'Success') return undefined;
    return Buffer.concat([Buffer.from([errorChannel]), Buffer.from(st.message ?? 'error executing command', 'utf8')]);
  } catch (err) {
    if (err instanceof SyntaxError) return msg;
    throw err;
  }
};

const acceptWebSocket = (u: Upgrade, req: Request, protocol: string): Promise<WebSocket> => new Promise((resolve) => {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => protocol });
  wss.handleUpgrade(req, u.socket, u.head, (ws) => { hold(ws); resolve(ws); });
});

const serveWebSocket = async (ctx: HandlerContext, t: AgentTarget, path: string, u: Upgrade, req: Request, res: Response): Promise<void> => {
  const protocol = negotiate(offeredProtocols(req.headers['sec-websocket-protocol']), wsExecProtocols);
  if (!protocol) throw badRequest(`unable to upgrade: none of the offered WebSocket protocols is supported (supported: ${wsExecProtocols.join(', ')})`);
  let agent: WebSocket;
  try {
    agent = await dialAgent(t, path, agentExecProtocol);
  } catch (err) {
    if (err instanceof StatusError) { refuse(res, err); return; }
    throw err;
  }
  if (u.socket.destroyed) { agent.close(1000); return; }
  res.statusCode = 101;
  const client = await acceptWebSocket(u, req, protocol);
  const legacy = !['v5.channel.k8s.io', 'v4.channel.k8s.io'].includes(protocol);
  relay(client, agent, legacy ? legacyErrorChannel : undefined);
  ctx.log.v(2, 'exec session', { pod: `${t.pod.metadata?.namespace ?? ''}/${t.pod.metadata?.name ?? ''}`, protocol, transport: 'websocket' });
};

const serveSpdy = async (ctx: HandlerContext, t: AgentTarget, path: string, p: ExecParams, u: Upgrade, req: Request, res: Response): Promise<void> => {
  const offered = offeredProtocols(req.headers['x-stream-protocol-version']);
  const protocol = offered.length === 0 ? 'channel.k8s.io' : negotiate(offered, spdyExecProtocols);
  if (!protocol) throw forbidden(`unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${spdyExecProtocols.join(' ')}]`);
  let agent: WebSocket;
  try {
    agent = await dialAgent(t, path, agentExecProtocol);
  } catch (err) {
    if (err instanceof StatusError) { refuse(res, err); return; }
    throw err;
  }
  if (u.socket.destroyed) { agent.close(1000); return; }
  res.statusCode = 101;
  u.socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  bridgeSpdyExec(u, agent, { protocol, expect: execStreams(p, protocol), log: ctx.log });
  ctx.log.v(2, 'exec session', { pod: `${t.pod.metadata?.namespace ?? ''}/${t.pod.metadata?.name ?? ''}`, protocol, transport: 'spdy' });
};

const handleStream = (attach: boolean) => async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = new URL(req.originalUrl, 'https://apiserver').searchParams;
  const t = await agentTarget(ctx, ri);
  const p = execParams(q, pickContainer(t.pod, q.get('container') ?? undefined), attach);
  const u = upgradeOf(req);
  const kind = upgradeProtocol(req);
  if (!u || (kind !== 'websocket' && kind !== 'spdy/3.1')) throw badRequest('Upgrade request required');
  const path = agentPath(attach, ri, p);
  if (kind === 'websocket') await serveWebSocket(ctx, t, path, u, req, res);
  else await serveSpdy(ctx, t, path, p, u, req, res);
};

export const handleExec = handleStream(false);
export const handleAttach = handleStream(true);
