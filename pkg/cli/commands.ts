// berthctl's flag declarations (k3s pkg/cli/cmds): commander parses argv into typed flags and
// hands them to one verb from pkg/cli/<verb>.ts, which is required only when it runs so that
// start-up stays cheap. Each verb goes through complete → validate → run, as in kubectl.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { formatError } from './errors';
import { CommandFailed, type CliDeps, type GlobalFlags, type IO, type Verb } from './types';

/** Boolean flags kubectl also accepts as `--flag=true|false`, with their defaults. */
const BOOL_FLAGS: Record<string, boolean> = {
  wait: true, 'ignore-not-found': false, 'show-labels': false, now: false, force: false, recursive: false, follow: false,
  timestamps: false, 'all-namespaces': false, previous: false, 'no-headers': false, all: false,
};

/** pflag spellings commander lacks: `--wait=false`, `-o=wide`, `-v=6`. */
export const normalizeArgv = (argv: string[]): string[] => argv.flatMap((arg) => {
  const long = /^--([a-z-]+)=(true|false)$/.exec(arg);
  if (long && long[1] in BOOL_FLAGS) {
    const value = long[2] === 'true';
    if (value) return [`--${long[1]}`];
    return BOOL_FLAGS[long[1]] ? [`--no-${long[1]}`] : [];
  }
  const short = /^-([a-zA-Z])=(.*)$/.exec(arg);
  return short ? [`-${short[1]}`, short[2]] : [arg];
});

const int = (flag: string) => (value: string): number => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`invalid argument "${value}" for "--${flag}" flag: must be an integer`);
  return Number(value);
};
const collect = (value: string, prev: string[] = []): string[] => [...prev, value];

type Options = Record<string, unknown>;
type VerbFactory = (opts: Options) => Promise<Verb<unknown>>;

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
    if (!(err instanceof CommandFailed)) io.err.write(`${formatError(err, server)}\n`);
    return 1;
  }
};

type Runner = (factory: VerbFactory, opts: Options, args: string[], globals: GlobalFlags) => Promise<void>;

const globalsOf = (cmd: Command): GlobalFlags => {
  const o = cmd.optsWithGlobals<{ kubeconfig?: string; context?: string; namespace?: string; v?: number }>();
  return { kubeconfig: o.kubeconfig, context: o.context, namespace: o.namespace, v: o.v };
};

export const buildProgram = (io: IO, runner: Runner): Command => {
  const program = new Command('berthctl')
    .description('berthctl controls a Berth (Kubernetes-compatible) cluster.')
    .configureOutput({ writeOut: (s) => { io.out.write(s); }, writeErr: (s) => { io.err.write(s); } })
    .exitOverride()
    .showHelpAfterError(false)
    .option('--kubeconfig <path>', 'Path to the kubeconfig file to use for CLI requests.')
    .option('--context <name>', 'The name of the kubeconfig context to use.')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request.')
    .option('-v, --v <level>', 'Number for the log level verbosity.', int('v'));
  const verb = (name: string, summary: string, factory: VerbFactory): Command => program.command(name).description(summary)
    .action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      await runner(factory, cmd.opts(), cmd.args, globalsOf(cmd));
    });

  verb('get [args...]', 'Display one or many resources.', async (o) => new (await import('./get')).GetCommand({
    output: o.output as string | undefined, selector: o.selector as string | undefined, fieldSelector: o.fieldSelector as string | undefined,
    allNamespaces: o.allNamespaces === true, showLabels: o.showLabels === true, noHeaders: o.headers === false,
  }))
    .option('-o, --output <format>', 'Output format: json, yaml, name, wide.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--field-selector <selector>', 'Selector (field query) to filter on.')
    .option('-A, --all-namespaces', 'List the requested object(s) across all namespaces.')
    .option('--show-labels', 'Show all labels as the last column.')
    .option('--no-headers', 'Do not print headers.');

  verb('apply', 'Apply a configuration to a resource by file name or stdin.', async (o) => new (await import('./apply')).ApplyCommand({
    filename: o.filename as string[] | undefined, recursive: o.recursive === true, dryRun: o.dryRun as string | undefined,
  }))
    .option('-f, --filename <file>', 'The files that contain the configurations to apply (repeatable; - for stdin).', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--dry-run <strategy>', 'Must be "none", "server", or "client".');

  verb('delete [args...]', 'Delete resources by file names, stdin, resources and names, or by resources and label selector.',
    async (o) => new (await import('./delete')).DeleteCommand({
      filename: o.filename as string[] | undefined, recursive: o.recursive === true, selector: o.selector as string | undefined,
      all: o.all === true, wait: o.wait !== false, gracePeriod: o.gracePeriod as number | undefined, now: o.now === true,
      force: o.force === true, ignoreNotFound: o.ignoreNotFound === true, timeout: o.timeout as string | undefined,
      cascade: o.cascade as string | undefined, dryRun: o.dryRun as string | undefined,
    }))
    .option('-f, --filename <file>', 'Files identifying the resources to delete (repeatable; - for stdin).', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--all', 'Delete all resources of the given types in the namespace.')
    .option('--wait', 'Wait for resources to be gone before returning (default true).')
    .option('--no-wait', 'Return as soon as the deletions are accepted.')
    .option('--grace-period <seconds>', 'Seconds given to the resource to terminate gracefully (-1: the default).', int('grace-period'))
    .option('--now', 'Signal resources for immediate shutdown (same as --grace-period=1).')
    .option('--force', 'Immediately remove resources from the API, bypassing graceful deletion.')
    .option('--ignore-not-found', 'Treat "resource not found" as a successful delete.')
    .option('--timeout <duration>', 'How long to wait for the deletion (0: forever).')
    .option('--cascade <strategy>', 'Must be "background", "orphan", or "foreground".')
    .option('--dry-run <strategy>', 'Must be "none" or "server".');

  verb('logs [args...]', 'Print the logs for a container in a pod.', async (o) => new (await import('./logs')).LogsCommand({
    container: o.container as string | undefined, follow: o.follow === true, tail: o.tail as number | undefined,
    timestamps: o.timestamps === true, since: o.since as string | undefined, previous: o.previous === true,
  }))
    .option('-c, --container <name>', 'Print the logs of this container.')
    .option('-f, --follow', 'Specify if the logs should be streamed.')
    .option('--tail <lines>', 'Lines of recent log file to display (-1: all).', int('tail'))
    .option('--timestamps', 'Include timestamps on each line in the log output.')
    .option('--since <duration>', 'Only return logs newer than a relative duration like 5s, 2m, or 3h.')
    .option('-p, --previous', 'Print the logs for the previous instance of the container.');

  return program;
};
