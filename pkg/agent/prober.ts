// Runs one probe (exec, httpGet or tcpSocket) against a container once and says whether it
// passed, with the output kubelet puts in its `Unhealthy` events (upstream pkg/kubelet/prober/
// prober.go, pkg/probe/{exec,http,tcp}). httpGet and tcpSocket go from the node to the pod IP
// (a hostNetwork pod's IP is the node's); gRPC probes are not supported and always fail.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, HTTPGetAction, Probe } from '../../api/core/v1';
import { kubeletVersion } from './node';

export type ProbeResult = 'success' | 'failure';

export interface ProbeOutcome { result: ProbeResult; output: string }

export interface ExecSyncResult { exitCode: number; stdout: Buffer; stderr: Buffer }

/** CRI ExecSync: runs `cmd` in the container to completion or `timeoutSeconds`. */
export interface ExecSyncer { execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> }

/** What a probe is aimed at. */
export interface ProbeTarget { container: Container; containerId: string; podIP: string }

/** The probe's fields with the API's defaults (SetDefaults_Probe). */
export const probeTiming = (p: Probe): { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; successThreshold: number; failureThreshold: number } => ({
  initialDelaySeconds: p.initialDelaySeconds ?? 0,
  periodSeconds: p.periodSeconds || 10,
  timeoutSeconds: p.timeoutSeconds || 1,
  successThreshold: p.successThreshold || 1,
  failureThreshold: p.failureThreshold || 3,
});

/** A named port is looked up in the container's ports (upstream findPortByName). */
export const resolvePort = (port: number | string | undefined, c: Container): number | undefined => {
  if (typeof port === 'number') return port > 0 && port < 65536 ? port : undefined;
  if (port === undefined || port === '') return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
};

const errText = (err: unknown): string => {
  if (err && typeof err === 'object' && 'details' in err && typeof (err as { details: unknown }).details === 'string') return (err as { details: string }).details;
  return err instanceof Error ? err.message : String(err);
};

const runExec = async (cmd: string[], t: ProbeTarget, timeoutSeconds: number, exec?: ExecSyncer): Promise<ProbeOutcome> => {
  if (!exec) return { result: 'failure', output: 'exec probes need the runtime' };
  try {
    const r = await exec.execSync(t.containerId, cmd, timeoutSeconds);
    const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8').trim();
    return { result: r.exitCode === 0 ? 'success' : 'failure', output };
  } catch (err) {
    return { result: 'failure', output: errText(err) };
  }
};

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const runHTTP = (g: HTTPGetAction, t: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome> => {
  const port = resolvePort(g.port as number | string, t.container);
  const host = g.host || t.podIP;
  const scheme = (g.scheme || 'HTTP').toLowerCase();
  let path = g.path || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = `${scheme}://${hostPort(host, port ?? 0)}${path}`;
  if (port === undefined) return Promise.resolve({ result: 'failure', output: `unable to resolve port ${String(g.port)}` });
  const headers: Record<string, string> = { 'User-Agent': `kube-probe/${kubeletVersion.replace(/^v(\d+\.\d+).*/, '$1')}`, Accept: '*/*' };
  for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
  const mod = scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    const req = mod.get(url, { headers, timeout: timeoutSeconds * 1000, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { result: 'success', output: '' } : { result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ result: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (err) => resolve({ result: 'failure', output: `Get "${url}": ${dialError(err)}` }));
  });
};

/** Node's connect errors in Go's words (`dial tcp 10.0.0.5:80: connect: connection refused`). */
const dialError = (err: NodeJS.ErrnoException): string => {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${err.message.split(' ').pop() ?? ''}: connect: connection refused`;
  if (err.code === 'EHOSTUNREACH') return `dial tcp ${err.message.split(' ').pop() ?? ''}: connect: no route to host`;
  return err.message;
};

const runTCP = (host: string, port: number | undefined, timeoutSeconds: number): Promise<ProbeOutcome> => {
  if (port === undefined) return Promise.resolve({ result: 'failure', output: 'unable to resolve port' });
  const addr = hostPort(host, port);
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); resolve({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }); }, timeoutSeconds * 1000);
    sock.on('connect', () => { clearTimeout(timer); sock.destroy(); resolve({ result: 'success', output: '' }); });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ result: 'failure', output: err.code === 'ECONNREFUSED' ? `dial tcp ${addr}: connect: connection refused` : `dial tcp ${addr}: ${err.message}` });
    });
  });
};

/** Runs `probe` once. */
export const runProbe = (probe: Probe, t: ProbeTarget, exec?: ExecSyncer): Promise<ProbeOutcome> => {
  const { timeoutSeconds } = probeTiming(probe);
  if (probe.exec) return runExec(probe.exec.command ?? [], t, timeoutSeconds, exec);
  if (probe.httpGet) return runHTTP(probe.httpGet, t, timeoutSeconds);
  if (probe.tcpSocket) return runTCP(probe.tcpSocket.host || t.podIP, resolvePort(probe.tcpSocket.port as number | string, t.container), timeoutSeconds);
  return Promise.resolve({ result: 'failure', output: probe.grpc ? 'gRPC probes are not supported by this agent' : 'missing probe handler' });
};
