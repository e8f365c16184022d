// berthctl port-forward POD|pod/NAME [LOCAL:]REMOTE...: listens on localhost and carries each
// accepted connection over its own pods/portforward WebSocket (`portforward.k8s.io`, the port
// in the query): data on channel 0, errors on channel 1, and the server's first message on each
// channel is the port (uint16 little-endian), which is not data. Prints kubectl's lines
// (`Forwarding from 127.0.0.1:L -> R`, `Handling connection for L`) and runs until interrupted.
import { once } from 'node:events';
import net from 'node:net';
import type { Pod, Service } from '../../api/core/v1';
import type { ClientConfig } from '../client/types';
import { dialWebSocket } from '../client/websocket';
import { parseTarget, resolvePod, type TargetRef } from './pod-target';
import { resolveType, resourcePath } from './resource';
import { UsageError, type CommandContext, type Connection, type IO, type Out, type Verb } from './types';

export interface PortForwardFlags {
  address?: string[];
}

export interface PortSpec { local: number; remote: string }

export const portForwardProtocol = 'portforward.k8s.io';

/** `8080:80`, `80` (same local port), `:80` or `0:80` (any free local port). */
export const parsePortSpec = (spec: string): PortSpec => {
  const parts = spec.split(':');
  if (parts.length > 2) throw new UsageError(`invalid port format '${spec}'`);
  const [localText, remote] = parts.length === 2 ? parts : [parts[0], parts[0]];
  const local = localText === '' ? 0 : Number(localText);
  if (!Number.isInteger(local) || local < 0 || local > 65535) throw new UsageError(`Error parsing local port '${localText}': invalid port`);
  if (!remote) throw new UsageError(`Remote port must be > 0`);
  return { local, remote };
};

/** A numeric remote port, or a named container port of the pod (kubectl's translation). */
export const resolveRemotePort = (pod: Pod, remote: string): number => {
  if (/^\d+$/.test(remote)) {
    const n = Number(remote);
    if (n < 1 || n > 65535) throw new UsageError(`Remote port must be > 0 and < 65536`);
    return n;
  }
  for (const c of pod.spec?.containers ?? []) {
    const p = (c.ports ?? []).find((cp) => cp.name === remote);
    if (p) return p.containerPort;
  }
  throw new UsageError(`Pod '${pod.metadata?.name ?? ''}' does not have a named port '${remote}'`);
};

/**
 * kubectl's translation of a service port to the pod's: the port is the Service's (number or
 * name), forwarded to its targetPort (a number, or a container port name); no targetPort is the port.
 */
export const servicePortTarget = (svc: Service, remote: string): string => {
  const numeric = /^\d+$/.test(remote);
  const sp = (svc.spec?.ports ?? []).find((p) => (numeric ? p.port === Number(remote) : p.name === remote));
  if (!sp) throw new UsageError(`Service ${svc.metadata?.name ?? ''} does not have a service port ${remote}`);
  const target = sp.targetPort ?? sp.port;
  return String(target === 0 || target === '' ? sp.port : target);
};

/** kubectl's --address: `localhost` is 127.0.0.1 and ::1; anything else is taken as an IP. */
export const listenAddresses = (addresses: string[] | undefined): string[] =>
  (addresses?.length ? addresses : ['localhost']).flatMap((a) => (a === 'localhost' ? ['127.0.0.1', '::1'] : [a]));

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export class PortForwardCommand implements Verb<PortForwardFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private target: TargetRef = { kind: 'Pod', name: '', typed: 'pods' };
  private specs: PortSpec[] = [];
  private signal?: AbortSignal;

  constructor(readonly flags: PortForwardFlags) {}

  async complete(ctx: CommandContext<PortForwardFlags>): Promise<void> {
    const [target, ...ports] = ctx.args;
    if (!target || ports.length === 0) throw new UsageError('TYPE/NAME and list of ports are required for port-forward\nSee \'berthctl port-forward -h\' for help and examples');
    this.target = parseTarget(target, 'port-forward to');
    this.specs = ports.map(parsePortSpec);
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.signal = ctx.signal;
  }

  validate(): void {
    if (this.specs.length === 0) throw new UsageError('at least 1 PORT is required for port-forward');
  }

  async run(io: IO): Promise<void> {
    if (!this.conn) throw new Error('port-forward: complete() was not called');
    const { pod, service } = await resolvePod(this.conn.client, this.namespace, this.target, this.signal);
    if (pod.status?.phase !== 'Running') throw new UsageError(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Unknown'}`);
    const path = resourcePath(resolveType('pods'), this.namespace, pod.metadata?.name ?? this.target.name, 'portforward');
    const { config } = this.conn.client;
    const servers: net.Server[] = [];
    try {
      for (const spec of this.specs) {
        const remote = resolveRemotePort(pod, service ? servicePortTarget(service, spec.remote) : spec.remote);
        servers.push(...await listenAll(listenAddresses(this.flags.address), spec.local, remote, io,
          (socket, local) => forwardConnection(config, path, socket, { local, remote, out: io.out, err: io.err })));
      }
      if (!this.signal?.aborted) await once(this.signal ?? new AbortController().signal, 'abort');
    } finally {
      for (const s of servers) s.close();
    }
  }
}

/**
 * Listens on every address for one port (the first free port when `local` is 0, then the same on
 * the others); an address that cannot be bound is skipped unless none can (kubectl's behaviour).
 */
const listenAll = async (hosts: string[], local: number, remote: number, io: IO,
  onConnection: (socket: net.Socket, local: number) => void): Promise<net.Server[]> => {
  const servers: net.Server[] = [];
  let port = local;
  let lastErr: Error | undefined;
  for (const host of hosts) {
    const server = net.createServer((socket) => onConnection(socket, port));
    try {
      await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
    } catch (err) {
      lastErr = err as Error;
      continue;
    }
    port = (server.address() as net.AddressInfo).port;
    io.out.write(`Forwarding from ${hostPort(host, port)} -> ${remote}\n`);
    servers.push(server);
  }
  if (servers.length === 0) throw new UsageError(`unable to listen on port ${local}: ${lastErr?.message ?? 'no address'}`);
  return servers;
};

/** One local connection ↔ one WebSocket; either side's end closes the other. */
export const forwardConnection = (config: ClientConfig, path: string, socket: net.Socket,
  o: { local: number; remote: number; err: Out; out?: Out }): void => {
  o.out?.write(`Handling connection for ${o.local}\n`);
  socket.pause();
  const early: Buffer[] = [];
  socket.on('data', (c: Buffer) => early.push(c));
  socket.on('error', () => socket.destroy()); // a reset by the local client ends this connection only
  dialWebSocket(config, path, { query: { ports: o.remote }, protocols: [portForwardProtocol] }).then(({ ws, consume }) => {
    const seen = new Set<number>();
    consume((raw) => {
      if (raw.length === 0) return;
      const ch = raw[0];
      const data = raw.subarray(1);
      if (!seen.has(ch)) { seen.add(ch); return; } // the port header
      if (ch === 0) socket.write(data);
      else if (ch === 1 && data.length > 0) o.err.write(`error: an error occurred forwarding ${o.local} -> ${o.remote}: ${data.toString('utf8')}\n`);
    }, () => socket.end());
    ws.once('error', () => socket.destroy());
    const send = (c: Buffer) => { if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([0]), c])); };
    socket.removeAllListeners('data');
    for (const c of early.splice(0)) send(c);
    socket.on('data', send);
    if (socket.destroyed) ws.close(1000);
    else socket.once('close', () => ws.close(1000));
    socket.resume();
  }, (err: unknown) => {
    o.err.write(`error: an error occurred forwarding ${o.local} -> ${o.remote}: ${err instanceof Error ? err.message : String(err)}\n`);
    socket.destroy();
  });
};
