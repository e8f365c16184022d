// berthctl diff -f (kubectl diff.go): for each manifest, the live object and what applying it
// would produce (a server-side dry run of the same patch or create that apply sends) are
// written as YAML into LIVE-* and MERGED-* temp dirs, then `diff -u -N` compares them. The
// exit code is diff's: 0 same, 1 different; anything else is an error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { ResourceInfo } from './resource-table';
import { ApplyCommand, type Target } from './apply';
import { formatError } from './errors';
import { loadManifests } from './manifest';
import { isJsonObject, lastAppliedConfiguration, readLastApplied, type JsonObject } from './merge-patch';
import { createApplyPatch } from './strategic-patch';
import { yamlText } from './output';
import { resourcePath } from './resource';
import { CommandFailed, UsageError, type CommandContext, type IO, type Verb } from './types';

export interface DiffFlags {
  filename?: string[];
  recursive?: boolean;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
}

/** `apps.v1.Deployment.default.web`, `v1.Pod.default.hello` (InfoObject.Name). */
export const diffFileName = (info: ResourceInfo, namespace: string, name: string): string =>
  `${info.group ? `${info.group}.` : ''}${info.version}.${info.kind}.${namespace}.${name}`;

/** What diff hides: managedFields always, Secret data values replaced as kubectl's masker does. */
export const forDiff = (obj: JsonObject | undefined): JsonObject | undefined => {
  if (!obj) return undefined;
  const copy = structuredClone(obj);
  if (isJsonObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
};

/** Runs a program and resolves with its exit code, copying its output to `io`. */
export type DiffRunner = (cmd: string, args: string[], io: IO) => Promise<number>;

const runDiff: DiffRunner = (cmd, args, io) => new Promise((resolve, reject) => {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (c: Buffer) => io.out.write(c));
  child.stderr.on('data', (c: Buffer) => io.err.write(c));
  child.on('error', reject);
  child.on('close', (code) => resolve(code ?? 1));
});

export class DiffCommand implements Verb<DiffFlags> {
  private readonly apply: ApplyCommand;

  constructor(readonly flags: DiffFlags, private readonly runner: DiffRunner = runDiff) {
    this.apply = new ApplyCommand({ filename: flags.filename, recursive: flags.recursive, serverSide: flags.serverSide,
      forceConflicts: flags.forceConflicts, fieldManager: flags.fieldManager, dryRun: 'server' });
  }

  async complete(ctx: CommandContext<DiffFlags>): Promise<void> {
    await this.apply.complete({ ...ctx, flags: this.apply.flags });
  }

  validate(): void {
    if (!this.flags.filename?.length) throw new UsageError('must specify one of -f and -k');
  }

  /** The object apply would produce: the dry-run result of its create, patch or apply patch. */
  private async merged(t: Target, live: JsonObject | undefined): Promise<JsonObject> {
    const client = this.apply.client;
    if (this.flags.serverSide) {
      return client.request<JsonObject>('PATCH', resourcePath(t.info, t.namespace, t.name), {
        body: t.manifest, contentType: 'application/apply-patch+yaml',
        query: { dryRun: 'All', fieldManager: this.flags.fieldManager ?? 'kubectl', force: this.flags.forceConflicts ? 'true' : 'false' },
      });
    }
    // GetModifiedConfiguration(annotate=false): diff leaves the last-applied annotation alone.
    const query = { dryRun: 'All', fieldManager: this.flags.fieldManager ?? 'kubectl-client-side-apply' };
    if (!live) return client.request<JsonObject>('POST', resourcePath(t.info, t.namespace), { body: t.manifest, query });
    // The manifest as GetModifiedConfiguration(annotate=false) encodes it: annotations present, the last-applied one removed.
    const modified = JSON.parse(lastAppliedConfiguration(t.manifest)) as JsonObject;
    const { patch, contentType } = await createApplyPatch(readLastApplied(live), modified, live);
    if (Object.keys(patch).length === 0) return live;
    const meta = isJsonObject(live.metadata) ? live.metadata : {};
    const body = { ...patch, metadata: { ...(isJsonObject(patch.metadata) ? patch.metadata : {}), resourceVersion: meta.resourceVersion ?? null } };
    return client.request<JsonObject>('PATCH', resourcePath(t.info, t.namespace, t.name), { body, contentType, query });
  }

  async run(io: IO): Promise<void> {
    const loaded = await loadManifests(this.flags.filename ?? [], { recursive: this.flags.recursive, stdin: io.in });
    if (loaded.errors.length > 0) throw new UsageError(loaded.errors[0].replace(/^error: /, ''));
    const liveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'LIVE-'));
    const mergedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'MERGED-'));
    try {
      for (const m of loaded.manifests) {
        const t = this.apply.target(m);
        const live = forDiff(await this.apply.getLive(t.info, t.namespace, t.name, t.source));
        let merged: JsonObject | undefined;
        try {
          merged = forDiff(await this.merged(t, live));
        } catch (err) {
          io.err.write(`${formatError(err, this.apply.client.config.server)}\n`);
          throw new CommandFailed(1);
        }
        const file = diffFileName(t.info, t.namespace, t.name);
        if (live) fs.writeFileSync(path.join(liveDir, file), await yamlText(live));
        if (merged) fs.writeFileSync(path.join(mergedDir, file), await yamlText(merged));
      }
      const [cmd, ...extra] = (process.env.KUBECTL_EXTERNAL_DIFF ?? 'diff -u -N').split(/\s+/).filter(Boolean);
      const code = await this.runner(cmd, [...extra, liveDir, mergedDir], io);
      if (code === 1) throw new CommandFailed(1); // differences: exit 1, nothing more to print
      if (code !== 0) throw new UsageError(`exit status ${code}`);
    } finally {
      fs.rmSync(liveDir, { recursive: true, force: true });
      fs.rmSync(mergedDir, { recursive: true, force: true });
    }
  }
}
