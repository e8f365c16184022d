// The CRI handlers for exec, attach, port-forward, stats, resource updates and log reopening, and
// the streaming backend that serves the URLs they hand out. server.ts mounts them beside the
// lifecycle handlers.
import type { Logger } from '../log';
import type { CgroupDriver } from './cgroups';
import { ContainerResources } from './container-resources';
import type { ContainerManager } from './containers';
import type { ContainerRecord, KeyedMutex, SandboxRecord, StateStore } from './state';
import type { Syscalls } from './syscalls';
import type { ContainerStatus, Empty } from './cri-types';
import { failedPrecondition, invalidArgument } from './errors';
import type * as x from './exec-cri-types';
import { ExecService, type ExecProcess } from './exec';
import { attachFifos } from './executor';
import { followLog, openAttachInput, resizeLine } from './streaming-attach';
import { StreamingServer, type StreamingBackend } from './streaming-server';

export interface StreamingDeps {
  exec: ExecService;
  streaming: StreamingServer;
  resources: ContainerResources;
  containers: { get(id: string): Promise<ContainerRecord>; status(id: string): Promise<ContainerStatus> };
  sandboxes: { get(id: string): Promise<SandboxRecord> };
  /** The exit code once the container has exited (its exit file), else undefined. */
  exitCodeOf(id: string): Promise<number | undefined>;
}

/** CRI: at least one stream, and no separate stderr with a TTY (the pty merges them). */
const checkStreams = (r: { stdin?: boolean; stdout?: boolean; stderr?: boolean; tty?: boolean }): void => {
  if (!r.stdin && !r.stdout && !r.stderr) throw invalidArgument('one of stdin, stdout, or stderr must be set');
  if (r.tty && r.stderr) throw invalidArgument('tty and stderr cannot both be true');
};

export const streamingHandlers = (d: StreamingDeps) => ({
  ExecSync: async (r: x.ExecSyncRequest): Promise<x.ExecSyncResponse> => d.exec.execSync(r.containerId, r.cmd, Number(r.timeout ?? 0)),
  Exec: async (r: x.ExecRequest): Promise<x.ExecResponse> => {
    checkStreams(r);
    if (r.cmd.length === 0) throw invalidArgument('cmd must not be empty');
    await d.exec.target(r.containerId);
    return { url: d.streaming.getExec(r) };
  },
  Attach: async (r: x.AttachRequest): Promise<x.AttachResponse> => {
    checkStreams(r);
    const rec = await d.containers.get(r.containerId);
    // As containerd: stdin for a container without one, or a TTY it has not, is refused.
    if (r.stdin && !rec.config.stdin) throw invalidArgument('tty and stdin: the container was not created with stdin');
    if (r.tty && !rec.config.tty) throw invalidArgument('tty: the container was not created with a TTY');
    await d.exec.target(r.containerId);
    return { url: d.streaming.getAttach(r) };
  },
  PortForward: async (r: x.PortForwardRequest): Promise<x.PortForwardResponse> => {
    const sb = await d.sandboxes.get(r.podSandboxId);
    if (!sb.ready) throw failedPrecondition(`pod sandbox "${r.podSandboxId}" is not ready`);
    return { url: d.streaming.getPortForward(r) };
  },
  ContainerStats: async (r: x.ContainerStatsRequest): Promise<x.ContainerStatsResponse> => ({ stats: await d.resources.stats(r.containerId) }),
  ListContainerStats: async (r: x.ListContainerStatsRequest): Promise<x.ListContainerStatsResponse> => ({ stats: await d.resources.list(r.filter) }),
  UpdateContainerResources: async (r: x.UpdateContainerResourcesRequest): Promise<Empty> => { await d.resources.update(r.containerId, r.linux); return {}; },
  ReopenContainerLog: async (r: x.ReopenContainerLogRequest): Promise<Empty> => { await d.resources.reopenLog(r.containerId); return {}; },
});

/** What the streaming server runs for each kind of session. `containerDir` locates the attach FIFOs. */
export const streamingBackend = (d: Omit<StreamingDeps, 'streaming' | 'resources'> & { containerDir: (id: string) => string }): StreamingBackend => ({
  exec: (req) => d.exec.start(req.containerId, req.cmd, { tty: req.tty, stdin: req.stdin }),
  attach: async (req, signal): Promise<ExecProcess> => {
    const rec = await d.containers.get(req.containerId);
    const f = followLog({ logPath: rec.logPath, exited: () => d.exitCodeOf(req.containerId), signal });
    const fifos = attachFifos(d.containerDir(req.containerId));
    const stdin = req.stdin && rec.config.stdin ? openAttachInput(fifos.stdin) : null;
    const resizer = rec.config.tty ? openAttachInput(fifos.resize) : null;
    f.outcome.finally(() => { stdin?.destroy(); resizer?.destroy(); }).catch(() => undefined);
    return {
      stdin, stdout: f.stdout, stderr: rec.config.tty ? null : f.stderr, kill: () => undefined,
      resize: (width, height) => { if (resizer && width > 0 && height > 0) resizer.write(resizeLine(width, height)); },
      // Attach ends when the process does; its exit code is the container's status, not the session's.
      outcome: f.outcome.then(() => ({ exitCode: 0, timedOut: false })),
    };
  },
  // A host network pod's ports are the node's: the helper stays in its own (the host's) netns.
  portForward: async (sandboxId, port) => d.exec.portForward((await d.sandboxes.get(sandboxId)).ns.net ?? '/proc/self/ns/net', port),
});

export interface StreamingWiring {
  helper: string;
  sys: Syscalls;
  cgroups: CgroupDriver;
  state: StateStore;
  locks: KeyedMutex;
  containers: ContainerManager;
  sandboxes: { get(id: string): Promise<SandboxRecord> };
  log: Logger;
  address?: string;
  port?: number;
}

/** Builds the exec, resource and streaming services and starts the streaming server (closed by the returned function). */
export const startStreaming = async (w: StreamingWiring): Promise<{ deps: StreamingDeps; url: string; close: () => Promise<void> }> => {
  const exec = new ExecService({ helper: w.helper, layout: w.state.layout, containers: w.containers, log: w.log.child('exec') });
  const resources = new ContainerResources({
    sys: w.sys, cgroups: w.cgroups, state: w.state, locks: w.locks, containers: w.containers, log: w.log.child('resources'), now: () => Date.now() * 1e6,
  });
  const exitCodeOf = async (id: string) => (await w.state.readExit(id))?.exitCode;
  const backend = streamingBackend({ exec, containers: w.containers, sandboxes: w.sandboxes, exitCodeOf, containerDir: (id) => w.state.layout.containerDir(id) });
  const streaming = new StreamingServer({ backend, log: w.log.child('streaming'), address: w.address, port: w.port });
  const url = await streaming.listen();
  return { deps: { exec, streaming, resources, containers: w.containers, sandboxes: w.sandboxes, exitCodeOf }, url, close: () => streaming.close() };
};
