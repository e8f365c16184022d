// berthctl create namespace|deployment|configmap|secret generic (kubectl create_*.go): build
// the object as kubectl's generators do, then POST it with fieldManager kubectl-create, or
// print it with --dry-run=client -o yaml.
import fs from 'node:fs';
import path from 'node:path';
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import { ObjectPrinter, parseOutput, type OutputFormat } from './output';
import { apiVersionOf, kindName, resolveType, resourcePath } from './resource';
import { UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface CreateFlags {
  image?: string[];
  replicas?: number;
  port?: number;
  fromLiteral?: string[];
  fromFile?: string[];
  fromEnvFile?: string[];
  type?: string;
  dryRun?: string;
  output?: string;
  command: string[];
}

const KEY = /^[-._a-zA-Z0-9]+$/;

/** The container name kubectl derives from an image: last path segment, no tag or digest. */
export const containerName = (image: string): string => (image.split('/').pop() ?? image).split(':')[0].split('@')[0].replace(/_/g, '-');

const validKey = (key: string): string => {
  if (!KEY.test(key)) throw new UsageError(`"${key}" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`);
  return key;
};

/** --from-literal, --from-file and --from-env-file merged into one key → bytes map. */
export const collectData = (flags: CreateFlags): Map<string, Buffer> => {
  const data = new Map<string, Buffer>();
  const add = (key: string, value: Buffer) => {
    if (data.has(key)) throw new UsageError(`cannot add key "${key}", another key by that name already exists in Data for ConfigMap "${key}"`);
    data.set(validKey(key), value);
  };
  for (const lit of flags.fromLiteral ?? []) {
    const i = lit.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid literal source ${lit}, expected key=value`);
    add(lit.slice(0, i), Buffer.from(lit.slice(i + 1)));
  }
  for (const src of flags.fromFile ?? []) {
    const i = src.indexOf('=');
    const [key, file] = i > 0 ? [src.slice(0, i), src.slice(i + 1)] : [undefined, src];
    if (!fs.existsSync(file)) throw new UsageError(`error reading ${file}: no such file or directory`);
    if (fs.statSync(file).isDirectory()) {
      if (key) throw new UsageError('cannot give a key name for a directory path');
      for (const f of fs.readdirSync(file).sort()) {
        const full = path.join(file, f);
        if (fs.statSync(full).isFile()) add(f, fs.readFileSync(full));
      }
    } else {
      add(key ?? path.basename(file), fs.readFileSync(file));
    }
  }
  for (const env of flags.fromEnvFile ?? []) {
    for (const line of fs.readFileSync(env, 'utf8').split('\n')) {
      const trimmed = line.replace(/^\uFEFF/, '').trim();
      if (!trimmed || trimmed.startsWith('#')) continue;
      const i = trimmed.indexOf('=');
      if (i < 0) add(trimmed, Buffer.from(process.env[trimmed] ?? ''));
      else add(trimmed.slice(0, i), Buffer.from(trimmed.slice(i + 1)));
    }
  }
  return data;
};

const isUtf8 = (b: Buffer): boolean => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

export class CreateCommand implements Verb<CreateFlags> {
  private conn?: Connection;
  private namespace = 'default';
  /** -n given: kubectl writes the namespace into the object (EnforceNamespace). */
  private explicitNamespace?: string;
  private kind = '';
  private name = '';
  private format: OutputFormat = { kind: 'table', wide: false };

  constructor(readonly flags: CreateFlags) {}

  async complete(ctx: CommandContext<CreateFlags>): Promise<void> {
    const [kind, ...rest] = ctx.args;
    this.kind = kind;
    if (kind === 'secret') {
      const [sub, ...more] = rest;
      if (sub !== 'generic') throw new UsageError(`unknown secret type "${sub ?? ''}": berthctl supports "create secret generic"`);
      rest.splice(0, rest.length, ...more);
    }
    const dash = rest.indexOf('--');
    if (dash >= 0) this.flags.command = rest.splice(dash).slice(1);
    this.name = rest[0] ?? '';
    if (!this.name) throw new UsageError('exactly one NAME is required, got 0');
    if (rest.length > 1) throw new UsageError(`exactly one NAME is required, got ${rest.length}`);
    this.format = parseOutput(this.flags.output, { allowTable: false });
    this.explicitNamespace = ctx.globals.namespace;
    if (this.flags.dryRun !== 'client') {
      this.conn = await ctx.deps.connect(ctx.globals);
      this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    } else {
      this.namespace = ctx.globals.namespace ?? 'default';
    }
  }

  validate(): void {
    if (!['namespace', 'ns', 'deployment', 'deploy', 'configmap', 'cm', 'secret'].includes(this.kind)) {
      throw new UsageError(`unknown command "${this.kind}" for "berthctl create": supported are namespace, deployment, configmap, secret generic`);
    }
    if (['deployment', 'deploy'].includes(this.kind) && !this.flags.image?.length) throw new UsageError('required flag(s) "image" not set');
    const dryRun = this.flags.dryRun ?? 'none';
    if (!['none', 'server', 'client'].includes(dryRun)) throw new UsageError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  }

  /** The object as kubectl's generator builds it, and its resource. */
  build(): { info: ResourceInfo; obj: ApiObject } {
    switch (this.kind) {
      case 'namespace': case 'ns': {
        const info = resolveType('namespaces');
        return { info, obj: { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { creationTimestamp: null, name: this.name }, spec: {}, status: {} } as unknown as ApiObject };
      }
      case 'deployment': case 'deploy': return this.deployment();
      default: return this.configData();
    }
  }

  private deployment(): { info: ResourceInfo; obj: ApiObject } {
    const info = resolveType('deployments');
    const labels = { app: this.name };
    const seen = new Set<string>();
    const containers = (this.flags.image ?? []).map((image) => {
      let name = containerName(image);
      while (seen.has(name)) name = `${containerName(image)}-${Math.random().toString(36).slice(2, 7)}`;
      seen.add(name);
      return { image, name, ...(this.flags.command.length ? { command: this.flags.command } : {}), resources: {} };
    });
    if (this.flags.port !== undefined && this.flags.port >= 0) Object.assign(containers[0], { ports: [{ containerPort: this.flags.port }] });
    const obj = {
      apiVersion: apiVersionOf(info), kind: info.kind,
      metadata: { creationTimestamp: null, labels, name: this.name, ...(this.explicitNamespace ? { namespace: this.explicitNamespace } : {}) },
      spec: {
        replicas: this.flags.replicas ?? 1, selector: { matchLabels: labels }, strategy: {},
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
      },
      status: {},
    };
    return { info, obj: obj as unknown as ApiObject };
  }

  private configData(): { info: ResourceInfo; obj: ApiObject } {
    const secret = this.kind === 'secret';
    const info = resolveType(secret ? 'secrets' : 'configmaps');
    const data = collectData(this.flags);
    const obj: Record<string, unknown> = { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { creationTimestamp: null, name: this.name, ...(this.explicitNamespace ? { namespace: this.explicitNamespace } : {}) } };
    if (secret) {
      if (data.size) obj.data = Object.fromEntries([...data].map(([k, v]) => [k, v.toString('base64')]));
      obj.type = this.flags.type ?? 'Opaque';
    } else {
      const text = [...data].filter(([, v]) => isUtf8(v));
      const binary = [...data].filter(([, v]) => !isUtf8(v));
      if (text.length) obj.data = Object.fromEntries(text.map(([k, v]) => [k, v.toString('utf8')]));
      if (binary.length) obj.binaryData = Object.fromEntries(binary.map(([k, v]) => [k, v.toString('base64')]));
    }
    return { info, obj: obj as unknown as ApiObject };
  }

  async run(io: IO): Promise<void> {
    const { info, obj } = this.build();
    let out = obj;
    if (this.flags.dryRun !== 'client') {
      if (!this.conn) throw new Error('create: complete() was not called');
      out = await this.conn.client.request<ApiObject>('POST', resourcePath(info, this.namespace), {
        body: obj, query: { fieldManager: 'kubectl-create', fieldValidation: 'Strict', dryRun: this.flags.dryRun === 'server' ? 'All' : undefined },
      });
    }
    if (this.format.kind === 'table') {
      const suffix = this.flags.dryRun === 'server' ? ' (server dry run)' : this.flags.dryRun === 'client' ? ' (dry run)' : '';
      io.out.write(`${kindName(info)}/${this.name} created${suffix}\n`);
      return;
    }
    io.out.write(await new ObjectPrinter(this.format, () => `${kindName(info)}/${this.name}`).print([out], true));
  }
}
