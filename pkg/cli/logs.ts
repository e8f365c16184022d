// berthctl logs POD: picks the container like kubectl (-c, the default-container annotation,
// else the first, with a note when there were several) and streams pods/<name>/log to out.
import { once } from 'node:events';
import type { Pod } from '../../api/core/v1';
import { resolveResourceName } from './resource-table';
import type { Client } from '../client/types';
import { parseDuration } from './duration';
import { resolveType, resourcePath } from './resource';
import { UsageError, type CommandContext, type Connection, type IO, type Out, type Verb } from './types';

export interface LogsFlags {
  container?: string;
  follow?: boolean;
  tail?: number;
  timestamps?: boolean;
  since?: string;
  previous?: boolean;
}

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

const podsInfo = () => resolveType('pods');

export class LogsCommand implements Verb<LogsFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private pod = '';
  private signal?: AbortSignal;

  constructor(readonly flags: LogsFlags) {}

  async complete(ctx: CommandContext<LogsFlags>): Promise<void> {
    const [target, container, ...rest] = ctx.args;
    if (!target || rest.length > 0) throw new UsageError('expected POD_NAME or TYPE/NAME [CONTAINER]\nSee \'berthctl logs -h\' for help and examples');
    const [type, name] = target.includes('/') ? target.split('/', 2) : ['pods', target];
    if (resolveResourceName(type)?.kind !== 'Pod') throw new UsageError(`cannot get the logs from ${type}: only pods are supported`);
    this.pod = name;
    if (container && !this.flags.container) this.flags.container = container;
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.signal = ctx.signal;
  }

  validate(): void {
    if (this.flags.tail !== undefined && !Number.isInteger(this.flags.tail)) throw new UsageError('--tail must be an integer');
    if (this.flags.since) parseDuration(this.flags.since, 'since');
  }

  async run(io: IO): Promise<void> {
    const container = this.flags.container ?? await this.defaultContainer(io);
    const stream = await this.client.stream(resourcePath(podsInfo(), this.namespace, this.pod, 'log'),
      { query: this.logQuery(container), accept: '*/*', signal: this.signal });
    for await (const chunk of stream) await writeWithBackpressure(io.out, chunk);
  }

  /** The query kubectl sends (`--tail=-1` means all, `--since` rounds up to seconds). */
  logQuery(container: string): Record<string, string | number | boolean | undefined> {
    const tail = this.flags.tail ?? -1;
    return {
      container,
      follow: this.flags.follow || undefined,
      previous: this.flags.previous || undefined,
      sinceSeconds: this.flags.since ? Math.ceil(parseDuration(this.flags.since, 'since') / 1000) : undefined,
      tailLines: tail >= 0 ? tail : undefined,
      timestamps: this.flags.timestamps || undefined,
    };
  }

  private get client(): Client {
    if (!this.conn) throw new Error('logs: complete() was not called');
    return this.conn.client;
  }

  private async defaultContainer(io: IO): Promise<string> {
    const pod = await this.client.request<Pod>('GET', resourcePath(podsInfo(), this.namespace, this.pod), { signal: this.signal });
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
    if (annotated && names.includes(annotated)) return annotated;
    if (names.length > 1) io.err.write(`Defaulted container "${names[0]}" out of: ${names.join(', ')}\n`);
    if (names.length === 0) throw new UsageError(`pod ${this.pod} does not have a container`);
    return names[0];
  }
}

const writeWithBackpressure = async (out: Out, chunk: string | Buffer): Promise<void> => {
  const ok = out.write(chunk);
  const emitter = out as Partial<NodeJS.EventEmitter>;
  if (ok === false && typeof emitter.once === 'function') await once(emitter as NodeJS.EventEmitter, 'drain');
};
