// berthctl config view|use-context|get-contexts|current-context (kubectl config): reads
// and edits the kubeconfig file itself; never connects to the server.
import fs from 'node:fs';
import { mergeConfigs, viewConfig } from './config-view';
import { defaultKubeconfig } from './connect';
import { yamlText } from './output';
import { formatColumns } from './printer';
import { UsageError, type CommandContext, type IO, type Verb } from './types';

export interface ConfigFlags { output?: string; raw?: boolean; minify?: boolean; flatten?: boolean; noHeaders?: boolean }

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const named = (v: unknown): { name: string; body: Dict }[] =>
  (Array.isArray(v) ? v.map((e) => ({ name: String(d(e).name ?? ''), body: d(e) })) : []);

const SUBCOMMANDS = ['view', 'use-context', 'use', 'get-contexts', 'current-context'];

export class ConfigCommand implements Verb<ConfigFlags> {
  private sub = '';
  private args: string[] = [];
  private file = '';
  private files: string[] = [];
  private context?: string;

  constructor(readonly flags: ConfigFlags) {}

  async complete(ctx: CommandContext<ConfigFlags>): Promise<void> {
    [this.sub, ...this.args] = ctx.args;
    this.context = ctx.globals.context;
    const { kubeconfigPath, kubeconfigPaths } = await import('../client/kubeconfig');
    const env = ctx.deps.host?.env ?? process.env;
    const explicit = defaultKubeconfig(ctx.globals.kubeconfig, env);
    this.file = kubeconfigPath(explicit, env);
    this.files = kubeconfigPaths(explicit, env);
  }

  validate(): void {
    if (!SUBCOMMANDS.includes(this.sub)) throw new UsageError(`unknown command "${this.sub}" for "berthctl config"`);
    if ((this.sub === 'use-context' || this.sub === 'use') && this.args.length !== 1) throw new UsageError('Unexpected args: ' + JSON.stringify(this.args));
  }

  private async read(): Promise<Dict> {
    if (!fs.existsSync(this.file)) return {};
    const { load } = await import('js-yaml');
    return d(load(fs.readFileSync(this.file, 'utf8')));
  }

  async run(io: IO): Promise<void> {
    const doc = await this.read();
    const current = this.context ?? String(doc['current-context'] ?? '');
    switch (this.sub) {
      case 'current-context':
        if (!current) throw new UsageError('current-context is not set');
        io.out.write(`${current}\n`);
        return;
      case 'use-context': case 'use':
        return this.useContext(io, doc);
      case 'get-contexts':
        return this.getContexts(io, doc, current);
      default:
        return this.view(io);
    }
  }

  private async useContext(io: IO, doc: Dict): Promise<void> {
    const name = this.args[0];
    if (!named(doc.contexts).some((c) => c.name === name)) throw new UsageError(`no context exists with the name: "${name}"`);
    doc['current-context'] = name;
    const { dump } = await import('js-yaml');
    fs.writeFileSync(this.file, dump(doc, { lineWidth: -1, noRefs: true }));
    io.out.write(`Switched to context "${name}".\n`);
  }

  private getContexts(io: IO, doc: Dict, current: string): void {
    let contexts = named(doc.contexts);
    if (this.args.length > 0) {
      const missing = this.args.find((a) => !contexts.some((c) => c.name === a));
      if (missing) throw new UsageError(`context ${missing} not found`);
      contexts = contexts.filter((c) => this.args.includes(c.name));
    }
    contexts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (this.flags.output === 'name') {
      for (const c of contexts) io.out.write(`${c.name}\n`);
      return;
    }
    if (this.flags.output) throw new UsageError(`output must be one of '' or 'name': ${this.flags.output}`);
    const lines = contexts.map((c) => {
      const ctx = d(c.body.context);
      return [c.name === current ? '*' : '', c.name, String(ctx.cluster ?? ''), String(ctx.user ?? ''), String(ctx.namespace ?? '')];
    });
    if (!this.flags.noHeaders) lines.unshift(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
    io.out.write(formatColumns(lines));
  }

  /** kubectl merges every file of $KUBECONFIG for view (config-view.ts); the other subcommands edit one file. */
  private async view(io: IO): Promise<void> {
    const { load } = await import('js-yaml');
    const docs = this.files.filter((f) => fs.existsSync(f)).map((file) => ({ doc: d(load(fs.readFileSync(file, 'utf8'))), file }));
    const out = viewConfig(mergeConfigs(docs), { raw: this.flags.raw, minify: this.flags.minify, flatten: this.flags.flatten, context: this.context });
    // Typed (struct-ordered) JSON, not the sorted keys of printJson's unstructured objects.
    if (this.flags.output === 'json') io.out.write(`${JSON.stringify(out, null, 4)}\n`);
    else if (!this.flags.output || this.flags.output === 'yaml') io.out.write(await yamlText(out));
    else throw new UsageError(`unable to match a printer suitable for the output format "${this.flags.output}", allowed formats are: json,yaml`);
  }
}
