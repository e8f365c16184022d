// berthctl wait --for=condition=…|delete|create|jsonpath=… (kubectl wait): for each object,
// list it by fieldSelector metadata.name, then watch from that resourceVersion until the
// condition holds or --timeout (default 30s) passes.
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { relaxedJsonPath } from './custom-columns';
import { parseDuration } from './duration';
import { formatError } from './errors';
import { findResults, parseJsonPath, printValue, type Template } from './jsonpath';
import { createProgress, type Progress } from './progress';
import { groupResource, kindName, parseTypeArgs, resourcePath, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CliDeps, type CommandContext, type Connection, type IO, type Verb } from './types';
import { watchEvents } from './watch';

export interface WaitFlags {
  for?: string;
  timeout?: string;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
}

type Dict = Record<string, unknown>;
export type Condition =
  | { kind: 'delete' }
  | { kind: 'create' }
  | { kind: 'condition'; name: string; value: string }
  | { kind: 'jsonpath'; template: Template; value?: string };

/** Parses --for as kubectl's conditionFuncFor does. */
export const parseCondition = (spec: string | undefined): Condition => {
  const value = spec ?? '';
  if (value.toLowerCase() === 'delete') return { kind: 'delete' };
  if (value.toLowerCase() === 'create') return { kind: 'create' };
  if (value.toLowerCase().startsWith('condition=')) {
    const rest = value.slice('condition='.length);
    const i = rest.indexOf('=');
    return i < 0 ? { kind: 'condition', name: rest, value: 'true' } : { kind: 'condition', name: rest.slice(0, i), value: rest.slice(i + 1) };
  }
  if (value.toLowerCase().startsWith('jsonpath=')) {
    const expr = value.slice('jsonpath='.length);
    const close = expr.lastIndexOf('}');
    const eq = close >= 0 ? expr.indexOf('=', close) : expr.indexOf('=');
    const [path, want] = eq >= 0 ? [expr.slice(0, eq), expr.slice(eq + 1)] : [expr, undefined];
    if (want === '') throw new UsageError('jsonpath wait has to have a value after equal sign');
    return { kind: 'jsonpath', template: parseJsonPath(relaxedJsonPath(path)), value: want };
  }
  throw new UsageError(`unrecognized condition: "${value}"`);
};

/** Whether `obj` satisfies a condition (delete/create are decided by presence). */
export const conditionMet = (c: Condition, obj: Dict | undefined): boolean => {
  if (c.kind === 'delete') return obj === undefined;
  if (!obj) return false;
  if (c.kind === 'create') return true;
  if (c.kind === 'condition') {
    const status = (obj.status ?? {}) as Dict;
    const generation = Number((obj.metadata as Dict | undefined)?.generation ?? 0);
    const cond = ((status.conditions ?? []) as Dict[]).find((x) => String(x.type).toLowerCase() === c.name.toLowerCase());
    if (!cond) return false;
    const observed = cond.observedGeneration ?? status.observedGeneration;
    if (observed !== undefined && Number(observed) < generation) return false;
    return String(cond.status).toLowerCase() === c.value.toLowerCase();
  }
  const results = findResults(c.template, obj);
  if (results.length === 0 || results[0].length === 0) return false;
  if (results.length > 1) throw new UsageError('given jsonpath expression matches more than one list');
  if (results[0].length > 1) throw new UsageError('given jsonpath expression matches more than one value');
  return c.value === undefined || printValue(results[0][0]) === c.value;
};

export class WaitCommand implements Verb<WaitFlags> {
  private conn?: Connection;
  private deps?: CliDeps;
  private namespace = 'default';
  private typed: TypedNames[] = [];
  private condition: Condition = { kind: 'delete' };
  private signal: AbortSignal = new AbortController().signal;

  constructor(readonly flags: WaitFlags) {}

  async complete(ctx: CommandContext<WaitFlags>): Promise<void> {
    this.condition = parseCondition(this.flags.for);
    this.typed = parseTypeArgs(ctx.args);
    this.conn = await ctx.deps.connect(ctx.globals);
    this.deps = ctx.deps;
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.signal = ctx.signal;
  }

  validate(): void {
    if (this.typed.some((t) => t.names.length === 0) && !this.flags.all && !this.flags.selector && !this.flags.fieldSelector) {
      throw new UsageError('resource(s) were provided, but no name was specified');
    }
  }

  private get client(): Client {
    if (!this.conn) throw new Error('wait: complete() was not called');
    return this.conn.client;
  }

  /** --timeout: default 30s, negative means a week, 0 means check once. */
  private timeoutMs(): number {
    const raw = this.flags.timeout ?? '30s';
    if (raw.startsWith('-')) return 7 * 24 * 3600 * 1000;
    return parseDuration(raw, 'timeout');
  }

  async run(io: IO): Promise<void> {
    const deps = this.deps;
    if (!deps) throw new Error('wait: complete() was not called');
    const targets: { info: ResourceInfo; namespace: string; name: string }[] = [];
    for (const t of this.typed) {
      if (t.names.length > 0) {
        targets.push(...t.names.map((name) => ({ info: t.info, namespace: this.namespace, name })));
        continue;
      }
      const list = await this.client.request<{ items?: ApiObject[] }>('GET', resourcePath(t.info, this.flags.allNamespaces ? '' : this.namespace),
        { query: { labelSelector: this.flags.selector, fieldSelector: this.flags.fieldSelector } });
      targets.push(...(list.items ?? []).map((o) => ({ info: t.info, namespace: o.metadata.namespace ?? this.namespace, name: o.metadata.name ?? '' })));
    }
    if (targets.length === 0 && this.condition.kind !== 'delete') throw new UsageError('no matching resources found');
    const deadline = new AbortController();
    const onAbort = () => deadline.abort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs());
    const progress = createProgress(io.err, deps.host?.isTTY);
    try {
      for (const t of targets) {
        progress.update(`waiting for ${this.flags.for ?? ''} on ${kindName(t.info)}/${t.name}…`);
        const met = await this.waitOne(t.info, t.namespace, t.name, deadline.signal, io, progress);
        progress.clear();
        if (met === 'missing') continue;
        if (!met) throw new UsageError(`timed out waiting for the condition on ${groupResource(t.info)}/${t.name}`);
        io.out.write(`${kindName(t.info)}/${t.name} condition met\n`);
      }
    } finally {
      progress.clear();
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  /** True when met, false on timeout, 'missing' for an absent object with --for=delete. */
  private async waitOne(info: ResourceInfo, namespace: string, name: string, signal: AbortSignal, io: IO, progress: Progress): Promise<boolean | 'missing'> {
    const path = resourcePath(info, namespace);
    const fieldSelector = `metadata.name=${name}`;
    for (;;) {
      const list = await this.client.request<{ metadata?: { resourceVersion?: string }; items?: Dict[] }>('GET', path,
        { query: { fieldSelector, limit: 500, resourceVersion: '0' }, signal });
      const obj = list.items?.[0];
      if (!obj && this.condition.kind === 'delete') return 'missing';
      if (!obj && this.condition.kind !== 'create') {
        const { notFound } = await import('../apimachinery/errors');
        throw notFound({ group: info.group, resource: info.plural }, name);
      }
      if (conditionMet(this.condition, obj)) return true;
      if (signal.aborted) return false;
      const rv = list.metadata?.resourceVersion;
      try {
        for await (const ev of watchEvents<Dict>(this.client, { path, query: { allowWatchBookmarks: true, fieldSelector, resourceVersion: rv, timeoutSeconds: 300 + Math.floor(Math.random() * 300) }, signal })) {
          if (ev.type === 'ERROR') {
            io.err.write(`error: An error occurred while waiting for the condition to be satisfied: ${String((ev.object as Dict).message ?? '')}`);
            break;
          }
          if (ev.type === 'BOOKMARK') continue;
          if (conditionMet(this.condition, ev.type === 'DELETED' ? undefined : ev.object)) return true;
        }
      } catch (err) {
        if (signal.aborted) return false;
        progress.clear();
        io.err.write(`${formatError(err, this.client.config.server)}\n`);
        throw new CommandFailed(1);
      }
      if (signal.aborted) return false;
    }
  }
}
