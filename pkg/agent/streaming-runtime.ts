// The runtime's streaming calls (CRI Exec, Attach, PortForward): each answers with a one-time URL
// of the runtime's streaming server that the agent then connects to (streaming-proxy.ts).
import { createRuntimeClient } from '../runtime';
import type { ExecSyncer } from './prober';

export interface ExecStreamRequest { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
export interface AttachStreamRequest { containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
export interface PortForwardStreamRequest { podSandboxId: string; port: number[] }

export interface StreamingRuntime {
  exec(req: ExecStreamRequest): Promise<string>;
  attach(req: AttachStreamRequest): Promise<string>;
  portForward(req: PortForwardStreamRequest): Promise<string>;
}

export interface GrpcStreamingRuntime extends StreamingRuntime, ExecSyncer { close(): void }

/** Connects (lazily) to the runtime at `socketPath`. */
export const createGrpcStreamingRuntime = (socketPath: string): GrpcStreamingRuntime => {
  const { runtime, close } = createRuntimeClient(socketPath);
  const opts = { deadlineMs: 30_000 };
  return {
    close,
    exec: async (req) => (await runtime.Exec(req, opts)).url,
    attach: async (req) => (await runtime.Attach(req, opts)).url,
    portForward: async (req) => (await runtime.PortForward(req, opts)).url,
    // Probes: the deadline leaves the runtime's own timeout room to answer first.
    execSync: (containerId, cmd, timeout) => runtime.ExecSync({ containerId, cmd, timeout }, { deadlineMs: (timeout + 5) * 1000 }),
  };
};
