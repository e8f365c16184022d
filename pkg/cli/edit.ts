// berthctl edit (kubectl edit, cmd/util/editor): write the objects as YAML to a temp file,
// open $KUBE_EDITOR or $EDITOR (vi), and send the changes as a merge patch. A failed save
// reopens the file with the errors in its header comment; saving it unchanged gives up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { formatError } from './errors';
import { createMergePatch, isJsonObject, type JsonObject } from './merge-patch';
import { printJson } from './printer';
import { yamlText } from './output';
import { kindName, parseTypeArgs, resourcePath } from './resource';
import { UsageError, type CommandContext, type Connection, type HostDeps, type IO, type Verb } from './types';

export interface EditFlags { output?: string; filename?: string[] }

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

/** The file content: kubectl's header, any errors of the previous attempt, then the object. */
export const editBuffer = (body: string, errors: string[]): string =>
  `${HEADER}${errors.length ? `${errors.map((e) => e.split('\n').map((l) => `# ${l}`).join('\n')).join('\n')}\n#\n` : ''}${body}`;

/** Lines starting with '#' are comments (kubectl strips them before parsing). */
export const stripComments = (text: string): string => text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');

export class EditCommand implements Verb<EditFlags> {
  private conn?: Connection;
  private host?: HostDeps;
  private namespace = 'default';
  private targets: { info: ResourceInfo; name: string }[] = [];

  constructor(readonly flags: EditFlags) {}

  async complete(ctx: CommandContext<EditFlags>): Promise<void> {
    if (ctx.args.length === 0) throw new UsageError('you must provide one or more resources by argument or filename');
    this.targets = parseTypeArgs(ctx.args).flatMap((t) => {
      if (t.names.length === 0) throw new UsageError('resource(s) were provided, but no name was specified');
      return t.names.map((name) => ({ info: t.info, name }));
    });
    this.conn = await ctx.deps.connect(ctx.globals);
    this.host = ctx.deps.host;
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    if (this.flags.output && !['yaml', 'json'].includes(this.flags.output)) throw new UsageError('the edit mode must be one of "yaml" or "json"');
  }

  private get client(): Client {
    if (!this.conn) throw new Error('edit: complete() was not called');
    return this.conn.client;
  }

  async run(io: IO): Promise<void> {
    for (const t of this.targets) await this.editOne(io, t.info, t.name);
  }

  private async render(obj: JsonObject): Promise<string> {
    return this.flags.output === 'json' ? printJson(obj) : yamlText(obj);
  }

  private async editOne(io: IO, info: ResourceInfo, name: string): Promise<void> {
    const original = await this.client.request<JsonObject>('GET', resourcePath(info, this.namespace, name));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-edit-'));
    const file = path.join(dir, `${name}.${this.flags.output === 'json' ? 'json' : 'yaml'}`);
    let errors: string[] = [];
    let previous: string | undefined;
    let body = await this.render(original);
    try {
      for (;;) {
        fs.writeFileSync(file, editBuffer(body, errors));
        await this.launchEditor(file);
        const edited = stripComments(fs.readFileSync(file, 'utf8'));
        if (edited.trim() === '') {
          io.err.write('Edit cancelled, no valid changes were saved.\n');
          return;
        }
        if (previous !== undefined && edited === previous) {
          const kept = path.join(os.tmpdir(), `kubectl-edit-${process.pid}-${Date.now()}.yaml`);
          fs.writeFileSync(kept, edited);
          io.err.write(`A copy of your changes has been stored to "${kept}"\n`);
          throw new UsageError('Edit cancelled, no valid changes were saved.');
        }
        previous = edited;
        const result = await this.save(info, name, original, edited);
        if (result === 'unchanged') {
          io.err.write('Edit cancelled, no changes made.\n');
          return;
        }
        if (result === 'saved') {
          io.out.write(`${kindName(info)}/${name} edited\n`);
          return;
        }
        errors = result.errors;
        body = edited;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Parses and PATCHes the edited text; errors come back to be shown in the reopened file. */
  private async save(info: ResourceInfo, name: string, original: JsonObject, edited: string): Promise<'saved' | 'unchanged' | { errors: string[] }> {
    let obj: unknown;
    try {
      const { parseYamlDocuments } = await import('../apimachinery');
      obj = parseYamlDocuments(edited)[0];
    } catch (err) {
      return { errors: [`The edited file had a syntax error: ${err instanceof Error ? err.message : String(err)}`] };
    }
    if (!isJsonObject(obj)) return { errors: ['The edited file is not a single object'] };
    const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
    if (obj.kind !== original.kind || obj.apiVersion !== original.apiVersion || meta.name !== name) {
      return { errors: ['At least one of apiVersion, kind and name was changed'] };
    }
    const patch = createMergePatch(original, obj);
    if (Object.keys(patch).length === 0) return 'unchanged';
    try {
      await this.client.request<ApiObject>('PATCH', resourcePath(info, this.namespace, name), {
        body: patch, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit', fieldValidation: 'Strict' },
      });
      return 'saved';
    } catch (err) {
      return { errors: [formatError(err, this.client.config.server).replace(/^Error from server \(\w+\): /, '')] };
    }
  }

  private async launchEditor(file: string): Promise<void> {
    const host = this.host;
    if (!host) throw new Error('edit: no host to run an editor on');
    const editor = host.env.KUBE_EDITOR || host.env.EDITOR || 'vi';
    const quoted = `'${file.replace(/'/g, "'\\''")}'`;
    const r = await host.spawn('sh', ['-c', `${editor} ${quoted}`]);
    if (r.code !== 0) throw new UsageError(`there was a problem with the editor "${editor}"`);
  }
}
