// berthctl's flag declarations (k3s pkg/cli/cmds): commander parses argv into typed flags and
// hands them to one verb from pkg/cli/<verb>.ts, which is required only when it runs so that
// start-up stays cheap. Each verb goes through complete → validate → run, as in kubectl.
import { Command, CommanderError } from 'commander';
import { formatError } from './errors';
import { int, type DefineVerb, type Options, type VerbFactory } from './flags';
import { registerReadVerbs } from './commands-read';
import { registerWriteVerbs } from './commands-write';
import { registerOpsVerbs } from './commands-ops';
import { registerTopVerb } from './commands-top';
import { CommandFailed, ExitCodeError, type CliDeps, type GlobalFlags, type IO } from './types';

/** Boolean flags kubectl also accepts as `--flag=true|false`; true marks those declared with a `--no-` form. */
const BOOL_FLAGS: Record<string, boolean> = {
  wait: true, 'ignore-not-found': false, 'show-labels': false, now: false, force: false, recursive: false, follow: false,
  timestamps: false, 'all-namespaces': false, previous: false, 'no-headers': false, all: false, watch: true,
  'watch-only': false, overwrite: false, list: false, 'server-side': false, 'force-conflicts': false, prune: false,
  'ignore-daemonsets': false, 'delete-emptydir-data': false, 'disable-eviction': false, raw: false, minify: false,
  flatten: false, 'show-events': true, 'show-managed-fields': false, local: false, 'windows-line-endings': false,
  'output-patch': false, 'show-kind': false, 'allow-missing-template-keys': true, 'save-config': false,
  'append-hash': false, 'keep-annotations': false, stdin: false, tty: false, quiet: false,
};

/** pflag spellings commander lacks: `--wait=false`, `-o=wide`, `-v=6`. */
export const normalizeArgv = (argv: string[]): string[] => {
  const dash = argv.indexOf('--');
  if (dash >= 0) return [...normalizeArgv(argv.slice(0, dash)), ...argv.slice(dash)];
  return argv.flatMap(normalizeArg);
};

const normalizeArg = (arg: string): string[] => {
  const long = /^--([a-z-]+)=(true|false)$/.exec(arg);
  if (long && long[1] in BOOL_FLAGS) {
    const value = long[2] === 'true';
    if (value) return [`--${long[1]}`];
    return BOOL_FLAGS[long[1]] ? [`--no-${long[1]}`] : [];
  }
  const short = /^-([a-zA-Z])=(.*)$/.exec(arg);
  return short ? [`-${short[1]}`, short[2]] : [arg];
};

export interface RunOptions {
  io: IO;
  deps: CliDeps;
  signal: AbortSignal;
}

/** Parses argv (without `node main.js`), runs one verb, and returns the exit code. */
export const runBerthctl = async (argv: string[], { io, deps, signal }: RunOptions): Promise<number> => {
  let server: string | undefined;
  const tracked: CliDeps = { ...deps, connect: async (g) => { const c = await deps.connect(g); server = c.client.config.server; return c; } };
  const program = buildProgram(io, async (factory, opts, args, globals) => {
    const verb = await factory(opts);
    await verb.complete({ flags: verb.flags, globals, args, deps: tracked, signal });
    verb.validate();
    await verb.run(io);
  });
  if (argv.length === 0) {
    program.outputHelp(); // kubectl with no arguments: help on stdout, exit 0
    return 0;
  }
  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (signal.aborted) return 130; // interrupted (logs -f, delete --wait): not a failure to report
    if (err instanceof ExitCodeError) { io.err.write(`${err.message}\n`); return err.exitCode; }
    if (!(err instanceof CommandFailed)) io.err.write(`${formatError(err, server)}\n`);
    return 1;
  }
};


/** Commander's parse errors in cobra's words (kubectl's): `Error: unknown flag: --x`, `Error: unknown command "x" for "berthctl"`. */
export const cobraError = (s: string): string => {
  const command = /^error: unknown command '([^']*)'/.exec(s);
  if (command) return `Error: unknown command "${command[1]}" for "berthctl"\nRun 'berthctl --help' for usage.\n`;
  const flag = /^error: unknown option '([^']*)'/.exec(s);
  if (flag) return `Error: unknown flag: ${flag[1]}\nSee 'berthctl --help' for usage.\n`;
  const invalid = /^error: option '[^']*' argument '[^']*' is invalid\. (.*)$/s.exec(s);
  if (invalid) return `Error: ${invalid[1]}`;
  return s;
};

type Runner = (factory: VerbFactory, opts: Options, args: string[], globals: GlobalFlags) => Promise<void>;

const globalsOf = (cmd: Command): GlobalFlags => {
  const o = cmd.optsWithGlobals<{ kubeconfig?: string; context?: string; namespace?: string; v?: number; requestTimeout?: string; cluster?: string; user?: string }>();
  return { kubeconfig: o.kubeconfig, context: o.context, namespace: o.namespace, v: o.v, requestTimeout: o.requestTimeout };
};

export const buildProgram = (io: IO, runner: Runner): Command => {
  const program = new Command('berthctl')
    .description('berthctl controls a Berth (Kubernetes-compatible) cluster.')
    .configureOutput({ writeOut: (s) => { io.out.write(s); }, writeErr: (s) => { io.err.write(s); }, outputError: (s, write) => write(cobraError(s)) })
    .exitOverride()
    .showHelpAfterError(false)
    .option('--kubeconfig <path>', 'Path to the kubeconfig file to use for CLI requests.')
    .option('--context <name>', 'The name of the kubeconfig context to use.')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request.')
    .option('--request-timeout <duration>', 'The length of time to wait before giving up on a single server request.')
    .option('-v, --v <level>', 'Number for the log level verbosity.', int('v'));
  const define: DefineVerb = (name, summary, factory) => program.command(name).description(summary)
    .action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      await runner(factory, cmd.opts(), cmd.args, globalsOf(cmd));
    });
  registerReadVerbs(define);
  registerWriteVerbs(define);
  registerOpsVerbs(define);
  registerTopVerb(define);
  return program;
};
