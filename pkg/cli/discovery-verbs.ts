// The verbs that only read discovery and /version: api-resources, api-versions,
// cluster-info and version, printed as kubectl 1.33 prints them.
import type { Client } from '../client/types';
import { discover } from './discovery';
import { yamlText } from './output';
import { formatColumns } from './printer';
import { resolveType, resourcePath } from './resource';
import { UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

/** The version berthctl reports: Berth emulates Kubernetes 1.33. */
export const CLIENT_VERSION = {
  major: '1', minor: '33', gitVersion: 'v1.33.0-berth', gitCommit: '', gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z', goVersion: `node${process.versions.node}`, compiler: 'node', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

abstract class Connected<F> implements Verb<F> {
  protected conn?: Connection;
  protected namespace?: string;
  protected args: string[] = [];

  constructor(readonly flags: F) {}

  async complete(ctx: CommandContext<F>): Promise<void> {
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace;
    this.args = ctx.args;
  }

  validate(): void { /* nothing beyond flag parsing */ }

  protected get client(): Client {
    if (!this.conn) throw new Error('complete() was not called');
    return this.conn.client;
  }

  abstract run(io: IO): Promise<void>;
}

export interface ApiResourcesFlags { output?: string; namespaced?: string; apiGroup?: string; noHeaders?: boolean; sort?: string }

export class ApiResourcesCommand extends Connected<ApiResourcesFlags> {
  override validate(): void {
    if (this.flags.output && !['wide', 'name'].includes(this.flags.output)) throw new UsageError(`--output ${this.flags.output} is not available`);
    if (this.flags.sort && !['name', 'kind'].includes(this.flags.sort)) throw new UsageError(`--sort-by accepts only name or kind`);
  }

  async run(io: IO): Promise<void> {
    const { resources } = await discover(this.client);
    // ServerPreferredResources: one entry per group and resource, from the first (preferred) version serving it.
    const seen = new Set<string>();
    const preferred = resources.filter((r) => !seen.has(`${r.group}/${r.name}`) && seen.add(`${r.group}/${r.name}`));
    let list = preferred.filter((r) => (this.flags.apiGroup === undefined || r.group === this.flags.apiGroup)
      && (this.flags.namespaced === undefined || String(r.namespaced) === this.flags.namespaced));
    const key = (r: (typeof list)[number]): string => (this.flags.sort === 'name' ? r.name : this.flags.sort === 'kind' ? r.kind : r.group);
    // sortableResource: by group (or --sort-by), ties by resource name.
    list = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (this.flags.output === 'name') {
      for (const r of list) io.out.write(`${r.group ? `${r.name}.${r.group}` : r.name}\n`);
      return;
    }
    const wide = this.flags.output === 'wide';
    const lines = list.map((r) => [r.name, r.shortNames.join(','), r.group ? `${r.group}/${r.version}` : r.version, String(r.namespaced), r.kind,
      ...(wide ? [r.verbs.join(','), r.categories.join(',')] : [])]);
    if (!this.flags.noHeaders) lines.unshift(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
    io.out.write(formatColumns(lines));
  }
}

export class ApiVersionsCommand extends Connected<Record<string, never>> {
  constructor() { super({}); }

  async run(io: IO): Promise<void> {
    const { groupVersions } = await discover(this.client);
    for (const gv of [...new Set(groupVersions)].sort()) io.out.write(`${gv}\n`);
  }
}

export class ClusterInfoCommand extends Connected<Record<string, never>> {
  constructor() { super({}); }

  async run(io: IO): Promise<void> {
    const server = this.client.config.server;
    let failure: unknown;
    try {
      const info = resolveType('services');
      const list = await this.client.request<{ items?: { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: { ports?: { name?: string; port: number }[] } }[] }>(
        'GET', resourcePath(info, this.namespace ?? 'kube-system'), { query: { labelSelector: 'kubernetes.io/cluster-service=true' } });
      io.out.write(`Kubernetes control plane is running at ${server}\n`);
      for (const svc of list.items ?? []) {
        const port = svc.spec?.ports?.[0];
        const scheme = port && (port.name === 'https' || port.port === 443) ? 'https' : '';
        // utilnet.JoinSchemeNamePort: `scheme:name:port`, `name:port` or `name`.
        const base = svc.metadata.name;
        const name = !port ? base : scheme ? `${scheme}:${base}:${port.name ?? ''}` : port.name ? `${base}:${port.name}` : base;
        io.out.write(`${svc.metadata.labels?.['kubernetes.io/name'] || svc.metadata.name} is running at ${server}/api/v1/namespaces/${svc.metadata.namespace}/services/${name}/proxy\n`);
      }
    } catch (err) {
      failure = err;
    }
    io.out.write("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    if (failure) throw failure;
  }
}

export interface VersionFlags { output?: string; client?: boolean }

export class VersionCommand implements Verb<VersionFlags> {
  private conn?: Connection;
  private connectError?: unknown;

  constructor(readonly flags: VersionFlags) {}

  async complete(ctx: CommandContext<VersionFlags>): Promise<void> {
    if (this.flags.client) return;
    try {
      this.conn = await ctx.deps.connect(ctx.globals);
    } catch (err) {
      this.connectError = err;
    }
  }

  validate(): void {
    if (this.flags.output && !['json', 'yaml'].includes(this.flags.output)) throw new UsageError('--output must be \'yaml\' or \'json\'');
  }

  async run(io: IO): Promise<void> {
    let server: Record<string, string> | undefined;
    let failure = this.connectError;
    if (this.conn && !failure) {
      try {
        server = await this.conn.client.request<Record<string, string>>('GET', '/version');
      } catch (err) {
        failure = err;
      }
    }
    const doc = { clientVersion: CLIENT_VERSION, ...(server ? { serverVersion: server } : {}) };
    if (this.flags.output === 'json') io.out.write(`${JSON.stringify(doc, null, 2)}\n`);
    else if (this.flags.output === 'yaml') io.out.write(await yamlText(doc));
    else {
      io.out.write(`Client Version: ${CLIENT_VERSION.gitVersion}\n`);
      if (server) io.out.write(`Server Version: ${server.gitVersion}\n`);
    }
    if (failure) throw failure;
  }
}
