// The seams of berthctl: what a verb reads (flags, args, a Client) and where it writes (IO).
// Shaped after kubectl's Options structs (delete.go): complete() fills derived state,
// validate() checks it, run() does the work. Tests hand in a fake Client and capture IO.
import type { Client } from '../client/types';

/** Anything that takes text or bytes: process.stdout, or a capture buffer in tests. */
export interface Out {
  write(chunk: string | Uint8Array): unknown;
}

export interface IO {
  out: Out;
  err: Out;
  in: NodeJS.ReadableStream;
}

/** Flags every verb accepts (kubectl's global flags). */
export interface GlobalFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  v?: number;
  /** --request-timeout (`30s`, `1m`, or plain seconds); 0 means no timeout. */
  requestTimeout?: string;
}

/** A connected client plus the namespace of the current context. */
export interface Connection {
  client: Client;
  /** The context's namespace, 'default' when unset. */
  namespace: string;
}

/** Everything a verb needs from the outside world; tests pass fakes. */
export interface CliDeps {
  connect(globals: GlobalFlags): Promise<Connection>;
  /** Resolves after `ms` or when `signal` aborts (delete --wait polling). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): Date;
  /** Environment, files and processes beyond the API: kubeconfig editing, $EDITOR, diff, TTY checks. */
  host?: HostDeps;
}

/** What some verbs need from the machine (tests pass fakes). */
export interface HostDeps {
  env: NodeJS.ProcessEnv;
  /** True when progress may be drawn (stderr is a terminal). */
  isTTY: boolean;
  /** Runs a program to completion with inherited stdio (the editor) or captured output (diff). */
  spawn(cmd: string, args: string[], opts?: { capture?: boolean }): Promise<{ code: number; stdout: string; stderr: string }>;
}

export interface CommandContext<F> {
  flags: F;
  globals: GlobalFlags;
  args: string[];
  deps: CliDeps;
  signal: AbortSignal;
}

/**
 * One berthctl verb, as kubectl's `NewCmdX` → `o.Complete` → `o.Validate` → `o.Run`.
 * `run` throws on a single failure; a verb that continues past failures reports each one
 * itself and throws `CommandFailed` at the end.
 */
export interface Verb<F> {
  readonly flags: F;
  complete(ctx: CommandContext<F>): Promise<void>;
  validate(): void;
  run(io: IO): Promise<void>;
}

/** A wrong invocation: printed as `error: <message>` (plus a hint), exit 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'BERTH_ERR_USAGE';
}

/** The verb already printed its errors; only the exit code is left to set. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  readonly code = 'BERTH_ERR_COMMAND_FAILED';
  constructor(readonly failures: number) { super(`${failures} error(s) reported`); }
}

/** An error kubectl prints as its bare message, without the `error: ` prefix. */
export class PlainError extends Error {
  override readonly name = 'PlainError';
  readonly code = 'BERTH_ERR_PLAIN';
}

/** A remote command (exec) exited non-zero: berthctl prints the message and exits with the same code (kubectl's CodeExitError). */
export class ExitCodeError extends Error {
  override readonly name = 'ExitCodeError';
  readonly code = 'BERTH_ERR_EXIT_CODE';
  constructor(readonly exitCode: number) { super(`command terminated with exit code ${exitCode}`); }
}
