// The resource table of api/resources.ts without its schemas. Loading api/resources.ts builds
// every TypeBox schema (~50 ms, a third of `berthctl get pods`), so the first run writes the
// table's plain data to a cache file keyed by the compiled module's size and mtime, and later
// runs read that instead (kubectl caches discovery for the same reason). Any change to
// api/resources.ts changes the key, so new kinds appear without anyone regenerating anything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResourceInfo as ApiResourceInfo } from '../../api/resources';

/** What the CLI needs of a resource: names, scope, group/version, categories, subresources. */
export type ResourceInfo = Omit<ApiResourceInfo, 'schema' | 'columns'>;

const FIELDS = ['group', 'version', 'kind', 'listKind', 'plural', 'singular', 'namespaced', 'shortNames', 'categories', 'subresources'] as const;

const strip = (r: ApiResourceInfo): ResourceInfo =>
  Object.fromEntries(FIELDS.map((f) => [f, r[f]])) as unknown as ResourceInfo;

const load = (): ResourceInfo[] => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../../api/resources') as typeof import('../../api/resources');
  return mod.resources.map(strip);
};

/** `~/.kube/cache/berthctl/resources-<size>-<mtime>.json`, only for the compiled module (not under ts-jest). */
const cacheFile = (): string | undefined => {
  const source = require.resolve('../../api/resources');
  if (!source.endsWith('.js') || process.env.BERTHCTL_NO_CACHE) return undefined;
  const st = fs.statSync(source);
  const home = process.env.HOME ?? os.homedir();
  return path.join(process.env.KUBECACHEDIR ?? path.join(home, '.kube', 'cache'), 'berthctl', `resources-${st.size}-${Math.floor(st.mtimeMs)}.json`);
};

let table: ResourceInfo[] | undefined;

export const resourceTable = (): ResourceInfo[] => {
  if (table) return table;
  const file = cacheFile();
  if (file && fs.existsSync(file)) {
    try {
      table = JSON.parse(fs.readFileSync(file, 'utf8')) as ResourceInfo[];
      return table;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err; // a torn write: rebuild it below
    }
  }
  table = load();
  if (file) writeCache(file, table);
  return table;
};

/** Tables of earlier builds would pile up (one per rebuild of api/resources.ts): keep only the new one. */
const pruneStale = (file: string): void => {
  const dir = path.dirname(file);
  for (const name of fs.readdirSync(dir)) {
    if (/^resources-\d+-\d+\.json$/.test(name) && name !== path.basename(file)) fs.rmSync(path.join(dir, name), { force: true });
  }
};

const writeCache = (file: string, data: ResourceInfo[]): void => {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
    pruneStale(file);
  } catch (err) {
    // A read-only home only costs start-up time; the table itself was loaded.
    if (!(err instanceof Error)) throw err;
  }
};

export const apiVersionOf = (r: Pick<ResourceInfo, 'group' | 'version'>): string => (r.group ? `${r.group}/${r.version}` : r.version);

export const resourceForKind = (apiVersion: string, kind: string): ResourceInfo | undefined =>
  resourceTable().find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);

/** What a user typed (`po`, `pod`, `pods`, `replicasets.apps`) → a resource, as api/resources.ts resolves it. */
export const resolveResourceName = (typed: string): ResourceInfo | undefined => {
  const [head, ...groupParts] = typed.toLowerCase().split('.');
  const group = groupParts.join('.');
  return resourceTable().find((r) => (!group || r.group === group) &&
    (r.plural === head || r.singular === head || r.shortNames.includes(head) || r.kind.toLowerCase() === head));
};
