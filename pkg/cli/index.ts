// berthctl, the kubectl-compatible CLI. cmd/berthctl/main.ts calls runBerthctl.
export { runBerthctl, buildProgram, normalizeArgv, type RunOptions } from './commands';
export { realDeps } from './connect';
export { formatError } from './errors';
export type { IO, Out, CliDeps, HostDeps, Connection, GlobalFlags, Verb, CommandContext } from './types';
export { UsageError, CommandFailed, PlainError } from './types';
