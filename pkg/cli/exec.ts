// berthctl exec POD [-c C] [-i] [-t] -- COMMAND...: kubectl exec over the pods/exec WebSocket
// (remotecommand.ts). With -i -t on a terminal, stdin goes raw for the session (restored
// however it ends) and the terminal's size is sent at the start and on every SIGWINCH.
// A command that exits non-zero makes berthctl exit with its code, as kubectl.
import { spawnSync } from 'node:child_process';
import type { ReadStream, WriteStream } from 'node:tty';
import { dialWebSocket } from '../client/websocket';
import { checkRunnable, parseTarget, pickContainer, resolvePod, type TargetRef } from './pod-target';
import { execWebSocketProtocols, streamRemoteCommand, type RemoteStreams, type TerminalSize } from './remotecommand';
import { resolveType, resourcePath } from './resource';
import { UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface ExecFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

const asTTYIn = (s: NodeJS.ReadableStream): ReadStream | undefined => ((s as Partial<ReadStream>).isTTY ? s as ReadStream : undefined);
const asTTYOut = (s: unknown): WriteStream | undefined => ((s as Partial<WriteStream>).isTTY ? s as WriteStream : undefined);

export class ExecCommand implements Verb<ExecFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private target: TargetRef = { kind: 'Pod', name: '', typed: 'pods' };
  private command: string[] = [];
  private signal?: AbortSignal;

  constructor(readonly flags: ExecFlags) {}

  async complete(ctx: CommandContext<ExecFlags>): Promise<void> {
    const [target, ...command] = ctx.args;
    if (!target) throw new UsageError('expected \'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]\'.\nPOD_NAME and COMMAND are required arguments for the exec command\nSee \'berthctl exec -h\' for help and examples');
    this.target = parseTarget(target, 'exec into');
    this.command = command;
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.signal = ctx.signal;
  }

  validate(): void {
    if (this.command.length === 0) throw new UsageError('you must specify at least one command for the container');
  }

  async run(io: IO): Promise<void> {
    if (!this.conn) throw new Error('exec: complete() was not called');
    const { pod } = await resolvePod(this.conn.client, this.namespace, this.target, this.signal);
    const podName = pod.metadata?.name ?? this.target.name;
    checkRunnable(pod);
    const container = pickContainer(pod, this.flags.container, io.err);
    const terminal = this.terminal(io);
    const query = {
      command: this.command, container, stdin: this.flags.stdin || undefined, stdout: true,
      stderr: terminal ? undefined : true, tty: terminal ? true : undefined,
    };
    const session = await dialWebSocket(this.conn.client.config, resourcePath(resolveType('pods'), this.namespace, podName, 'exec'),
      { query, protocols: execWebSocketProtocols, signal: this.signal });
    const streams: RemoteStreams = { stdin: this.flags.stdin ? io.in : undefined, stdout: io.out, stderr: terminal ? undefined : io.err };
    const onAbort = () => session.ws.close(1000);
    this.signal?.addEventListener('abort', onAbort, { once: true });
    const restore = terminal ? rawMode(terminal.in) : () => undefined;
    let stopResize = () => {};
    if (terminal?.out) {
      const out = terminal.out;
      streams.onResize = (send) => { stopResize = watchSize(out, send); };
    }
    try {
      await streamRemoteCommand(session, streams);
    } finally {
      stopResize();
      restore();
      this.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** kubectl's SetupTTY: a TTY only with -i and -t and stdin a terminal (else a note, unless -q). */
  private terminal(io: IO): { in: ReadStream; out?: WriteStream } | undefined {
    if (!this.flags.tty || !this.flags.stdin) return undefined;
    const tin = asTTYIn(io.in);
    if (!tin) {
      if (!this.flags.quiet) io.err.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
      return undefined;
    }
    return { in: tin, out: asTTYOut(io.out) };
  }
}

/**
 * Raw mode on; the returned function puts the terminal back as it was. Node's raw mode keeps
 * output post-processing (ONLCR), so the remote terminal's CRLF would print as CR CR LF; kubectl's
 * term.MakeRaw clears OPOST too, which Node cannot, so `stty` does it on our own terminal (fd 0).
 */
export const rawMode = (tin: ReadStream, stty: (args: string[]) => string | undefined = sttyOnStdin): (() => void) => {
  const was = tin.isRaw;
  const saved = (tin as { fd?: number }).fd === 0 ? stty(['-g'])?.trim() : undefined;
  tin.setRawMode(true);
  if (saved) stty(['-opost']);
  return () => {
    tin.setRawMode(was);
    if (saved) stty([saved]);
  };
};

/** Runs stty on our standard input; undefined when it fails (no stty: CRs are doubled, nothing worse). */
const sttyOnStdin = (args: string[]): string | undefined => {
  const r = spawnSync('stty', args, { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
};

/** Sends the terminal's size now and on every resize (SIGWINCH); returns the unsubscribe. */
export const watchSize = (out: WriteStream, send: (size: TerminalSize) => void): (() => void) => {
  const emit = () => { if (out.columns && out.rows) send({ width: out.columns, height: out.rows }); };
  emit();
  out.on('resize', emit);
  return () => { out.removeListener('resize', emit); };
};
