// Shared by the runtime exec/restart/runc suites: a runtime of its own (temp root, cgroup parent,
// bridge, pod CIDR) with the busybox image imported, CRI configs, and a WebSocket client of the
// streaming server that speaks the channel protocol as kubectl does.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { buildBusyboxImage } from '../../hack/images/build-busybox';
import { silentLogger } from '../../pkg/log';
import {
  cleanupAll, createRuntimeClient, importImage, runRuntime,
  type ContainerConfig, type ContainerStatus, type PodSandboxConfig, type RuntimeClient, type RuntimeOptions,
} from '../../pkg/runtime';

export const waitFor = async <T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Options for a throwaway runtime: everything named after a random suffix, a random /24. */
export const testRuntimeOptions = (prefix: string, extra: Partial<RuntimeOptions> = {}): RuntimeOptions => {
  const suffix = crypto.randomBytes(3).toString('hex');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return {
    root, socket: path.join(root, 'run', 'runtime.sock'), healthPort: 0,
    cgroupParent: `${prefix}-${suffix}`, bridge: `bx${suffix}`, podCidr: `10.249.${1 + (crypto.randomBytes(1)[0] % 250)}.0/24`,
    networkName: `${prefix}-${suffix}`, ...extra,
  };
};

export const importBusybox = async (root: string): Promise<void> => {
  const archive = path.join(root, 'busybox.oci.tar');
  await buildBusyboxImage({ out: archive });
  await importImage(root, archive, silentLogger());
};

/** An in-process runtime over `opts`, restartable. */
export class TestRuntime {
  client!: RuntimeClient;
  private abort = new AbortController();
  private running: Promise<void> = Promise.resolve();
  constructor(readonly opts: RuntimeOptions) {}

  async start(): Promise<void> {
    this.abort = new AbortController();
    this.running = runRuntime(this.opts, silentLogger(), this.abort.signal);
    await waitFor(() => fs.existsSync(this.opts.socket));
    this.client = createRuntimeClient(this.opts.socket);
  }

  async stop(): Promise<void> {
    this.client.close();
    this.abort.abort();
    await this.running;
  }

  /** Stops, removes everything it made, and the root. */
  async destroy(): Promise<void> {
    await this.stop();
    await cleanupAll(this.opts, silentLogger());
    fs.rmSync(this.opts.root, { recursive: true, force: true });
  }
}

/**
 * A suite's runtime, as jest hooks: busybox imported and the runtime started before all; the
 * sandboxes the tests push into `sandboxes` stopped and removed after each; the runtime, all it
 * made and its root removed after all, then `afterDestroy` (the suite's own leak checks).
 */
export const useTestRuntime = (prefix: string, extra: Partial<RuntimeOptions> = {}, afterDestroy?: (opts: RuntimeOptions) => void) => {
  const rt = new TestRuntime(testRuntimeOptions(prefix, extra));
  const sandboxes: string[] = [];
  beforeAll(async () => {
    await importBusybox(rt.opts.root);
    await rt.start();
  });
  afterEach(async () => {
    for (const id of sandboxes.splice(0)) {
      await rt.client.runtime.StopPodSandbox({ podSandboxId: id });
      await rt.client.runtime.RemovePodSandbox({ podSandboxId: id });
    }
  });
  afterAll(async () => {
    await rt.destroy();
    afterDestroy?.(rt.opts);
  });
  return { rt, opts: rt.opts, sandboxes };
};

const criPrefix = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [FP] /;

/** The lines of a container's CRI log file (`<logDirectory>/<name>.log`), prefixes stripped. */
export const logLines = (logDirectory: string, name: string): string[] => {
  const file = path.join(logDirectory, `${name}.log`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(criPrefix, ''));
};

/** Waits until a log line matches `last`; resolves with all lines. */
export const waitLog = (logDirectory: string, name: string, last: RegExp): Promise<string[]> => waitFor(() => {
  const lines = logLines(logDirectory, name);
  return lines.some((l) => last.test(l)) && lines;
});

export const waitExited = (client: RuntimeClient, containerId: string): Promise<ContainerStatus> => waitFor(async () => {
  const st = (await client.runtime.ContainerStatus({ containerId })).status;
  return st.state === 'CONTAINER_EXITED' && st;
});

export const sandboxConfig = (root: string, name: string): PodSandboxConfig => ({
  metadata: { name, namespace: 'default', uid: `${name}-${crypto.randomBytes(4).toString('hex')}`, attempt: 0 },
  hostname: `${name}-host`, logDirectory: path.join(root, 'pod-logs', name), labels: { app: name },
});

export const containerConfig = (command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
  metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox' }, command, logPath: 'main/0.log',
  envs: [{ key: 'GREETING', value: 'hello' }], workingDir: '/tmp', ...extra,
});

/** Runs a sandbox with one started container; returns their ids. */
export const runContainer = async (client: RuntimeClient, root: string, name: string, command: string[], extra: Partial<ContainerConfig> = {},
  runtimeHandler = '', sandboxExtra: Partial<PodSandboxConfig> = {}) => {
  const config = { ...sandboxConfig(root, name), ...sandboxExtra };
  const { podSandboxId } = await client.runtime.RunPodSandbox({ config, runtimeHandler });
  const { containerId } = await client.runtime.CreateContainer({ podSandboxId, config: containerConfig(command, extra), sandboxConfig: config });
  await client.runtime.StartContainer({ containerId });
  return { podSandboxId, containerId, config };
};

/** What a channel-protocol session received: bytes per channel, and how it closed. */
export interface Session {
  ws: WebSocket;
  protocol: string;
  received: Map<number, Buffer[]>;
  text(ch: number): string;
  send(ch: number, data: Buffer | string): void;
  closed: Promise<number>;
}

export const openSession = async (url: string, protocol: string): Promise<Session> => {
  const ws = new WebSocket(url, [protocol]);
  const received = new Map<number, Buffer[]>();
  ws.on('message', (d: Buffer) => {
    const list = received.get(d[0]) ?? [];
    list.push(d.subarray(1));
    received.set(d[0], list);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return {
    ws, protocol: ws.protocol, received, closed,
    text: (ch) => Buffer.concat(received.get(ch) ?? []).toString('utf8'),
    send: (ch, data) => ws.send(Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data) : data])),
  };
};
