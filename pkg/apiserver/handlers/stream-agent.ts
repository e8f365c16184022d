// What exec, attach and port-forward share: the pod's node and agent, a WebSocket to the agent's
// streaming endpoints over mutual TLS (the admin certificate, trusting the cluster CA, as pods/log
// does), refusals before an upgrade, and the message relay between two WebSockets.
import https from 'node:https';
import type { PeerCertificate } from 'node:tls';
import type { Response } from 'express';
import { WebSocket, type RawData } from 'ws';
import type { Node, Pod } from '../../../api/core/v1';
import { badRequest, fromStatusBody, serviceUnavailable, StatusError } from '../../apimachinery/errors';
import { objectKey } from '../../storage';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { keyOf } from './common';
import { agentEndpoint, agentTLS } from './log';

export interface AgentTarget { pod: Pod; nodeName: string; base: string; tls: AgentTLS }

interface AgentTLS {
  ca: Buffer; cert: Buffer; key: Buffer;
  checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
}

/** The pod and how to reach its node's agent; Status errors when the pod is not placed yet. */
export const agentTarget = async (ctx: HandlerContext, ri: RequestInfo): Promise<AgentTarget> => {
  const pod = (await ctx.store.get(keyOf(ri))) as Pod;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${ri.name} does not have a host assigned`);
  const node = (await ctx.store.get(objectKey('nodes', undefined, nodeName))) as Node;
  const { host, port } = agentEndpoint(node);
  return { pod, nodeName, base: `wss://${host.includes(':') ? `[${host}]` : host}:${port}`, tls: agentTLS(ctx.pkiDir, nodeName) };
};

type MessageHandler = (data: Buffer, isBinary: boolean) => void;
type CloseHandler = (code: number, reason: Buffer) => void;

interface Held { messages: [Buffer, boolean][]; closed?: [number, Buffer]; onMessage: MessageHandler; onClose: CloseHandler }
const held = new WeakMap<WebSocket, Held>();

const toBuffer = (d: RawData): Buffer => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d));

// The peer may send (and even close) in the same chunk as its 101, before whoever awaits the open
// socket has attached a listener: until `consume`, messages and the close are kept.
export const hold = (ws: WebSocket): void => {
  const h: Held = {
    messages: [],
    onMessage: (d, b) => h.messages.push([d, b]),
    onClose: (code, reason) => { h.closed = [code, reason]; },
  };
  const m = (d: RawData, b: boolean) => h.onMessage(toBuffer(d), b);
  ws.on('message', m);
  ws.once('close', (code: number, reason: Buffer) => h.onClose(code, reason));
  held.set(ws, h);
};

/** Delivers a dialled socket's messages, those held first, then its close. */
export const consume = (ws: WebSocket, onMessage: MessageHandler, onClose: CloseHandler): void => {
  const h = held.get(ws);
  if (!h) {
    ws.on('message', (d: RawData, b: boolean) => onMessage(toBuffer(d), b));
    ws.once('close', onClose);
    return;
  }
  for (const [d, b] of h.messages.splice(0)) onMessage(d, b);
  h.onMessage = onMessage;
  if (h.closed) onClose(...h.closed);
  else h.onClose = onClose;
};

/** Opens a WebSocket to the agent; a refusal rejects with the agent's Status. */
export const dialAgent = (t: AgentTarget, path: string, protocol: string): Promise<WebSocket> => new Promise((resolve, reject) => {
  // The TLS options go through an agent: ws's own typing of checkServerIdentity is not Node's.
  const ws = new WebSocket(`${t.base}${path}`, [protocol], { agent: new https.Agent(t.tls), handshakeTimeout: 30_000 });
  hold(ws);
  ws.once('open', () => resolve(ws));
  ws.once('unexpected-response', (_req, res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
      }
      reject(fromStatusBody(res.statusCode ?? 500, body));
    });
  });
  ws.once('error', (err) => reject(serviceUnavailable(`unable to reach the agent on node ${t.nodeName}: ${err.message}`)));
});

/** Answers a refused upgrade with the Status (kubectl prints it as `error: … <message>`). */
export const refuse = (res: Response, err: StatusError): void => {
  res.status(err.status.code ?? 500).set('Content-Type', 'application/json').send(JSON.stringify(err.status));
};

/** Protocols a client offered in Sec-WebSocket-Protocol, in its order. */
export const offeredProtocols = (header: string | string[] | undefined): string[] =>
  (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((p) => p.trim()).filter(Boolean);

// 1005/1006/1015 are reported locally but may not be sent.
const sendableCode = (code: number): number => (code >= 1000 && code < 5000 && code !== 1005 && code !== 1006 && code !== 1015 ? code : 1000);

export type MessageFilter = (data: Buffer) => Buffer | undefined;

/** Relays messages (through `down`, agent → client, when given) and the close of either side. */
export const relay = (client: WebSocket, agent: WebSocket, down?: MessageFilter): void => {
  const pipe = (from: WebSocket, to: WebSocket, filter?: MessageFilter) => {
    consume(from, (data, isBinary) => {
      const out = filter ? filter(data) : data;
      if (out !== undefined && to.readyState === WebSocket.OPEN) to.send(out, { binary: isBinary });
    }, (code, reason) => {
      if (to.readyState === WebSocket.OPEN) to.close(sendableCode(code), reason.subarray(0, 120));
      else if (to.readyState === WebSocket.CONNECTING) to.terminate();
    });
    from.on('error', () => to.terminate());
  };
  pipe(agent, client, down);
  pipe(client, agent);
};
