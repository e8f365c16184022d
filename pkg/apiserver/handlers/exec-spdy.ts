// Remote command over SPDY/3.1 (kubectl ≤1.29), bridged to the agent's `v5.channel.k8s.io`
// WebSocket. The client opens one stream per channel, named by its `streamtype` header (error,
// stdin, stdout, stderr, resize); we reply to each. stdin data and its FIN become channel 0 and the
// v5 close [255, 0]; resize messages (JSON, one per line) become channel 4. Output the agent sends
// before the client's stream exists waits for it. When the agent closes, stdout and stderr end,
// the error stream carries the Status (v4) or its message (before v4), then GOAWAY.
import { WebSocket } from 'ws';
import type { Logger } from '../../log';
import { SpdySession, type SpdyStream } from '../spdy';
import type { ExecParams } from './exec';
import { consume } from './stream-agent';
import type { Upgrade } from './upgrade';

const ch = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** How long to wait for the client's missing streams once the command is over, and after GOAWAY. */
const lingerMs = 10_000;

/** The streams the client will open (upstream remotecommand v2+ always opens error; resize from v3 with a TTY). */
export const execStreams = (p: Pick<ExecParams, 'stdin' | 'stdout' | 'stderr' | 'tty'>, protocol: string): Set<string> => {
  const s = new Set(['error']);
  if (p.stdin) s.add('stdin');
  if (p.stdout) s.add('stdout');
  if (p.stderr && !p.tty) s.add('stderr');
  if (p.tty && (protocol === 'v3.channel.k8s.io' || protocol === 'v4.channel.k8s.io')) s.add('resize');
  return s;
};

/** The error stream's payload: the Status JSON for v4, before v4 the message of a failure only. */
export const errorPayload = (status: Buffer | undefined, protocol: string): Buffer => {
  if (!status) return Buffer.from(protocol === 'v4.channel.k8s.io' ? JSON.stringify({ metadata: {}, status: 'Failure', message: 'the stream to the agent ended without a status', reason: 'InternalError' }) : 'the stream to the agent ended without a status');
  if (protocol === 'v4.channel.k8s.io') return status;
  let st: { status?: string; message?: string };
  try {
    st = JSON.parse(status.toString('utf8')) as typeof st;
  } catch (err) {
    if (err instanceof SyntaxError) return status;
    throw err;
  }
  return st.status === 'Success' ? Buffer.alloc(0) : Buffer.from(st.message ?? 'error executing command', 'utf8');
};

/** Wraps the upgraded socket as the session's transport. */
export const socketSession = (u: Upgrade, log: Logger): SpdySession => {
  const session = new SpdySession({
    write: (b) => { if (!u.socket.destroyed) u.socket.write(b); },
    end: () => u.socket.end(),
    destroy: () => u.socket.destroy(),
  }, { isServer: true, log });
  if (u.head.length > 0) session.receive(u.head);
  u.socket.on('data', (c: Buffer) => session.receive(c));
  u.socket.once('close', () => session.transportClosed());
  return session;
};

interface BridgeOptions { protocol: string; expect: Set<string>; log: Logger }

export const bridgeSpdyExec = (u: Upgrade, agent: WebSocket, o: BridgeOptions): void => {
  const session = socketSession(u, o.log);
  const streams = new Map<string, SpdyStream>();
  const pending = new Map<string, Buffer[]>([['stdout', []], ['stderr', []]]);
  let status: Buffer | undefined;
  let agentDone = false;
  let finished = false;
  let linger: NodeJS.Timeout | undefined;

  const toAgent = (c: number, data: Buffer) => { if (agent.readyState === WebSocket.OPEN) agent.send(Buffer.concat([Buffer.from([c]), data])); };
  const output = (type: string, data: Buffer) => {
    const s = streams.get(type);
    if (s) s.write(data);
    else pending.get(type)?.push(data);
  };

  const finish = () => {
    if (finished) return;
    finished = true;
    if (linger) clearTimeout(linger);
    for (const type of ['stdout', 'stderr']) streams.get(type)?.end();
    const err = streams.get('error');
    if (err) {
      const payload = errorPayload(status, o.protocol);
      if (payload.length > 0) err.write(payload);
      err.end();
    }
    for (const type of ['stdin', 'resize']) streams.get(type)?.end();
    session.goAway();
    // The client closes once it has read everything; a client that does not is cut off.
    setTimeout(() => session.destroy(), lingerMs).unref();
  };
  const maybeFinish = () => {
    if (!agentDone || finished) return;
    if ([...o.expect].every((t) => streams.has(t))) finish();
    else if (!linger) linger = setTimeout(finish, lingerMs);
  };

  session.on('stream', (s: SpdyStream) => {
    const type = s.headers.streamtype ?? '';
    s.reply();
    streams.set(type, s);
    for (const data of pending.get(type)?.splice(0) ?? []) s.write(data);
    if (type === 'stdin') {
      s.on('data', (d: Buffer) => toAgent(ch.stdin, d));
      s.on('end', () => toAgent(ch.close, Buffer.from([ch.stdin])));
    } else if (type === 'resize') {
      let partial = '';
      s.on('data', (d: Buffer) => {
        const lines = (partial + d.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) toAgent(ch.resize, Buffer.from(l.trim(), 'utf8'));
      });
    }
    maybeFinish();
  });
  session.on('close', () => { if (agent.readyState === WebSocket.OPEN || agent.readyState === WebSocket.CONNECTING) agent.close(1000); });

  consume(agent, (msg) => {
    const data = msg.subarray(1);
    if (msg[0] === ch.stdout) output('stdout', data);
    else if (msg[0] === ch.stderr) output('stderr', data);
    else if (msg[0] === ch.error) status = Buffer.concat([status ?? Buffer.alloc(0), data]);
  }, () => { agentDone = true; maybeFinish(); });
  agent.on('error', (err) => o.log.v(2, 'agent stream failed', { err: err.message }));
};
