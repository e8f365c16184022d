// berthctl describe (kubectl describe.go + pkg/describe): TYPE [NAME_PREFIX], TYPE/NAME or
// -l; each object printed by its kind's describer with its events, separated by two blank
// lines. A name that is not found is retried as a prefix of the names in the namespace.
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { describeDeployment, describeGeneric, describeNode, describeReplicaSet, podCounts } from './describe-kinds';
import { describeConfigMap, describeNamespace, describeSecret, describeService } from './describe-config';
import { describePod } from './describe-pod';
import type { CoreEvent } from './describe-writer';
import { formatError } from './errors';
import { parseTypeArgs, resolveType, resourcePath, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface DescribeFlags {
  selector?: string;
  allNamespaces?: boolean;
  showEvents?: boolean;
}

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** `prefix`: found by name prefix, printed as `%s\n` rather than separated by blank lines. */
interface Target { info: ResourceInfo; obj: Dict; prefix?: boolean }

/** `involvedObject.kind=…,involvedObject.name=…,…`: fields.Set.AsSelector sorts the keys. */
export const eventSelector = (fields: Record<string, string | undefined>): string =>
  Object.keys(fields).filter((k) => fields[k] !== undefined).sort().map((k) => `involvedObject.${k}=${fields[k]}`).join(',');

export class DescribeCommand implements Verb<DescribeFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private targets: TypedNames[] = [];
  private now: () => Date = () => new Date();
  private signal?: AbortSignal;

  constructor(readonly flags: DescribeFlags) {}

  async complete(ctx: CommandContext<DescribeFlags>): Promise<void> {
    if (ctx.args.length === 0) throw new UsageError("You must specify the type of resource to describe. Use \"berthctl api-resources\" for a complete list of supported resources.\n");
    this.targets = parseTypeArgs(ctx.args);
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.now = () => ctx.deps.now();
    this.signal = ctx.signal;
  }

  validate(): void {
    if (this.flags.selector && this.targets.some((t) => t.names.length > 0)) throw new UsageError('name cannot be provided when a selector is specified');
  }

  private get client(): Client {
    if (!this.conn) throw new Error('describe: complete() was not called');
    return this.conn.client;
  }

  async run(io: IO): Promise<void> {
    let failures = 0;
    let printed = 0;
    for (const t of this.targets) {
      let objects: Target[];
      try {
        objects = await this.resolve(t);
      } catch (err) {
        io.err.write(`${formatError(err, this.client.config.server)}\n`);
        failures++;
        continue;
      }
      for (const o of objects) {
        try {
          const text = await this.describe(o);
          if (o.prefix) io.out.write(`${text}\n`);
          else io.out.write(printed === 0 ? text : `\n\n${text}`);
          printed++;
        } catch (err) {
          io.err.write(`${formatError(err, this.client.config.server)}\n`);
          failures++;
        }
      }
    }
    if (printed === 0 && failures === 0) {
      io.err.write(this.flags.allNamespaces ? 'No resources found\n' : `No resources found in ${this.namespace} namespace.\n`);
    }
    if (failures > 0) throw new CommandFailed(failures);
  }

  private async list(info: ResourceInfo, namespace: string, query: Record<string, string | number | undefined>): Promise<Dict[]> {
    const items: Dict[] = [];
    let cont: string | undefined;
    do {
      const body = d(await this.client.request('GET', resourcePath(info, namespace), { query: { ...query, limit: 500, continue: cont }, signal: this.signal }));
      items.push(...(Array.isArray(body.items) ? body.items.map(d) : []));
      cont = s(d(body.metadata).continue) || undefined;
    } while (cont);
    return items;
  }

  /** The objects a target names; a missing name falls back to a prefix match (DescribeMatchingResources). */
  private async resolve(t: TypedNames): Promise<Target[]> {
    const ns = this.flags.allNamespaces ? '' : this.namespace;
    if (t.names.length === 0) {
      return (await this.list(t.info, ns, { labelSelector: this.flags.selector })).map((obj) => ({ info: t.info, obj }));
    }
    const out: Target[] = [];
    for (const name of t.names) {
      try {
        out.push({ info: t.info, obj: d(await this.client.request('GET', resourcePath(t.info, this.namespace, name), { signal: this.signal })) });
      } catch (err) {
        const { isNotFound } = await import('../apimachinery/errors');
        if (!isNotFound(err) || t.names.length !== 1) throw err;
        const matching = (await this.list(t.info, this.namespace, {})).filter((o) => s(d(o.metadata).name).startsWith(name));
        if (matching.length === 0) throw err;
        out.push(...matching.map((obj) => ({ info: t.info, obj, prefix: true })));
      }
    }
    return out;
  }

  private async events(namespace: string, fields: Record<string, string | undefined>): Promise<CoreEvent[] | undefined> {
    if (this.flags.showEvents === false) return undefined;
    try {
      return (await this.list(resolveType('events'), namespace, { fieldSelector: eventSelector(fields) })) as CoreEvent[];
    } catch (err) {
      // kubectl ignores a failed event search (events, _ = searchEvents(...)) and prints none.
      if (err instanceof Error) return [];
      throw err;
    }
  }

  private async describe({ info, obj }: Target): Promise<string> {
    const meta = d(obj.metadata);
    const [name, ns, uid] = [s(meta.name), s(meta.namespace), s(meta.uid)];
    const now = this.now();
    switch (info.kind) {
      case 'Pod':
        return describePod(obj, await this.events(ns, { name, namespace: ns, uid }), now);
      case 'ReplicaSet': {
        const selector = await this.selectorString(obj);
        let counts;
        try {
          counts = podCounts(await this.list(resolveType('pods'), ns, { labelSelector: selector }), uid);
        } catch (err) {
          counts = err instanceof Error ? err : new Error(String(err));
        }
        return describeReplicaSet(obj, selector, counts, await this.events(ns, { kind: info.kind, name, namespace: ns, uid }), now);
      }
      case 'Deployment':
        return this.describeDeployment(info, obj);
      case 'Node': {
        const pods = await this.list(resolveType('pods'), '', { fieldSelector: `spec.nodeName=${name},status.phase!=Failed,status.phase!=Succeeded` });
        const events = await this.events('', { kind: 'Node', name, namespace: '', uid });
        const byName = await this.events('', { kind: 'Node', name, namespace: '', uid: name });
        return describeNode(obj, pods, events && [...events, ...(byName ?? [])], now, await this.lease(name));
      }
      case 'Namespace':
        return describeNamespace(obj, { quotas: await this.optionalList('resourcequotas', name), limitRanges: await this.optionalList('limitranges', name) });
      case 'ConfigMap':
        return describeConfigMap(obj, await this.events(ns, { kind: info.kind, name, namespace: ns, uid }), now);
      case 'Secret':
        return describeSecret(obj);
      case 'Service': {
        const slices = (await this.optionalList('endpointslices', ns, `kubernetes.io/service-name=${name}`)) ?? [];
        return describeService(obj, slices, await this.events(ns, { kind: info.kind, name, namespace: ns, uid }), now);
      }
      default:
        return describeGeneric(obj, await this.events(ns, { kind: s(obj.kind) || info.kind, name, namespace: ns, uid }), now);
    }
  }

  /** A list the describer shows only when the server serves it (kubectl: NotFound means unsupported). */
  private async optionalList(type: string, namespace: string, labelSelector?: string): Promise<Dict[] | undefined> {
    const { resolveResourceName } = await import('./resource-table');
    const info = resolveResourceName(type);
    if (!info) return undefined;
    try {
      return await this.list(info, namespace, { labelSelector });
    } catch (err) {
      const { isNotFound } = await import('../apimachinery/errors');
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The node's Lease in kube-node-lease, or the error kubectl prints in its place. */
  private async lease(node: string): Promise<Dict | Error> {
    try {
      return d(await this.client.request('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(node)}`));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private async selectorString(obj: Dict): Promise<string> {
    const { labelSelectorToString } = await import('../apimachinery');
    const sel = d(obj.spec).selector;
    return sel ? labelSelectorToString(sel as Parameters<typeof labelSelectorToString>[0]) : '';
  }

  private async describeDeployment(info: ResourceInfo, dep: Dict): Promise<string> {
    const meta = d(dep.metadata);
    const [name, ns, uid] = [s(meta.name), s(meta.namespace), s(meta.uid)];
    const events = await this.events(ns, { kind: info.kind, name, namespace: ns, uid });
    const selector = await this.selectorString(dep);
    const { oldRSs, newRS } = await this.replicaSetsOf(dep, selector).catch((err: unknown) => {
      if (err instanceof Error) return { oldRSs: [], newRS: undefined }; // kubectl omits them on error
      throw err;
    });
    return describeDeployment(dep, selector, oldRSs, newRS, events);
  }

  /** deploymentutil.GetAllReplicaSets: owned RSs; the new one has the deployment's template (pod-template-hash ignored). */
  async replicaSetsOf(dep: Dict, selector: string): Promise<{ oldRSs: Dict[]; newRS?: Dict }> {
    const uid = s(d(dep.metadata).uid);
    const all = (await this.list(resolveType('replicasets'), s(d(dep.metadata).namespace), { labelSelector: selector }))
      .filter((rs) => (d(rs.metadata).ownerReferences as Dict[] | undefined ?? []).some((r) => r.controller === true && r.uid === uid));
    const { deepEqual } = await import('../apimachinery');
    const strip = (t: unknown): unknown => {
      const copy = structuredClone(d(t));
      const labels = d(d(copy.metadata).labels);
      delete labels['pod-template-hash'];
      return copy;
    };
    const want = strip(d(dep.spec).template);
    const sorted = [...all].sort((a, b) => s(d(a.metadata).creationTimestamp).localeCompare(s(d(b.metadata).creationTimestamp)));
    const newRS = sorted.find((rs) => deepEqual(strip(d(rs.spec).template), want));
    return { oldRSs: all.filter((rs) => rs !== newRS), newRS };
  }
}
