// Port-forward over SPDY/3.1 — on an upgraded socket (kubectl ≤1.30) or tunnelled in WebSocket
// binary messages (`SPDY/3.1+portforward.k8s.io`, kubectl ≥1.31) — bridged to the agent's
// WebSocket port-forward (`portforward.k8s.io`: data channel 0, error channel 1, each opened by
// the port as uint16 little-endian). Each local connection of the client is a pair of streams
// with the same `requestid`, `streamtype` error and data, and the `port`; each pair gets its own
// connection to the agent. As the kubelet's: errors go to the error stream as text, the streams
// end when the pod side closes, and the pod side is closed when the client ends its data stream.
import { WebSocket } from 'ws';
import type { Logger } from '../../log';
import { SpdySession, type SpdyStream } from '../spdy';
import { consume, type AgentTarget } from './stream-agent';

export const portForwardProtocol = 'portforward.k8s.io';
export const tunnelProtocol = 'SPDY/3.1+portforward.k8s.io';

interface Pair { data?: SpdyStream; error?: SpdyStream; agent?: WebSocket; started: boolean }

export interface PortForwardBridgeOptions {
  target: AgentTarget;
  namespace: string;
  name: string;
  log: Logger;
  /** Opens the agent's port-forward WebSocket for one port (injected for tests). */
  dial: (port: number) => Promise<WebSocket>;
}

/** A SPDY session carried in the binary messages of a WebSocket. */
export const tunnelSession = (ws: WebSocket, log: Logger): SpdySession => {
  const session = new SpdySession({
    write: (b) => { if (ws.readyState === WebSocket.OPEN) ws.send(b, { binary: true }); },
    end: () => ws.close(1000),
    destroy: () => ws.terminate(),
  }, { isServer: true, log });
  consume(ws, (d) => session.receive(d), () => session.transportClosed());
  return session;
};

const startPair = (pair: Pair, o: PortForwardBridgeOptions): void => {
  const { data, error } = pair;
  if (!data || !error) return;
  pair.started = true;
  const portText = data.headers.port ?? error.headers.port ?? '';
  const port = Number(portText);
  const fail = (message: string) => { error.write(message); error.end(); data.end(); };
  if (!Number.isInteger(port) || port < 1 || port > 65535) { fail(`invalid port "${portText}"`); return; }
  const early: Buffer[] = [];
  let ended = false;
  data.on('data', (d: Buffer) => { if (pair.agent?.readyState === WebSocket.OPEN) pair.agent.send(Buffer.concat([Buffer.from([0]), d])); else early.push(d); });
  data.on('end', () => { ended = true; pair.agent?.close(1000); });
  o.dial(port).then((agent) => {
    pair.agent = agent;
    if (ended) { agent.close(1000); return; }
    for (const d of early.splice(0)) agent.send(Buffer.concat([Buffer.from([0]), d]));
    const seen = new Set<number>();
    consume(agent, (msg) => {
      const c = msg[0];
      // The first message of each channel is the port it serves.
      if (!seen.has(c)) { seen.add(c); return; }
      if (c === 0) data.write(msg.subarray(1));
      else if (c === 1) error.write(msg.subarray(1));
    }, () => { data.end(); error.end(); });
    agent.on('error', (err) => o.log.v(2, 'agent port-forward stream failed', { err: err.message }));
  }, (err: unknown) => {
    fail(`error forwarding port ${port} to pod ${o.namespace}/${o.name}: ${err instanceof Error ? err.message : String(err)}`);
  });
};

/** Serves the client's stream pairs until the session closes. */
export const bridgeSpdyPortForward = (session: SpdySession, o: PortForwardBridgeOptions): void => {
  const pairs = new Map<string, Pair>();
  session.on('stream', (s: SpdyStream) => {
    const type = s.headers.streamtype ?? '';
    if (type !== 'data' && type !== 'error') { s.reset(); return; }
    s.reply();
    // Clients before requestID paired streams by port (one connection at a time).
    const id = s.headers.requestid ?? `port-${s.headers.port ?? ''}`;
    const pair = pairs.get(id) ?? { started: false };
    pairs.set(id, pair);
    pair[type] = s;
    const forget = () => { if (pair.data?.remoteClosed && pair.data.localClosed && pair.error?.localClosed) pairs.delete(id); };
    s.on('end', forget);
    if (!pair.started) startPair(pair, o);
  });
  session.on('close', () => {
    for (const p of pairs.values()) p.agent?.close(1000);
    pairs.clear();
  });
};
