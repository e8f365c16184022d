// `config view` over every kubeconfig kubectl would read ($KUBECONFIG's files, or --kubeconfig):
// the first file to set current-context wins, and so does the first to define a cluster, user or
// context name (clientcmd's merge); entries are listed by name. --minify keeps what the current
// (or --context) context needs; --flatten embeds certificate and key files as `*-data`, each
// path resolved against the file that named it, and, like --raw, shows secrets.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './types';

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});

export interface Named { name: string; body: Dict; file: string }

export interface MergedConfig {
  currentContext: string;
  preferences: Dict;
  clusters: Named[];
  contexts: Named[];
  users: Named[];
}

export interface ViewOptions { raw?: boolean; minify?: boolean; flatten?: boolean; context?: string }

const byName = (a: Named, b: Named): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Merges parsed kubeconfig documents, in precedence order. */
export const mergeConfigs = (docs: { doc: Dict; file: string }[]): MergedConfig => {
  const lists = { clusters: new Map<string, Named>(), contexts: new Map<string, Named>(), users: new Map<string, Named>() };
  let currentContext = '';
  let preferences: Dict | undefined;
  for (const { doc, file } of docs) {
    if (!currentContext && typeof doc['current-context'] === 'string') currentContext = doc['current-context'];
    preferences ??= doc.preferences === undefined ? undefined : d(doc.preferences);
    for (const list of ['clusters', 'contexts', 'users'] as const) {
      for (const e of Array.isArray(doc[list]) ? doc[list] as unknown[] : []) {
        const name = String(d(e).name ?? '');
        if (!lists[list].has(name)) lists[list].set(name, { name, body: d(e), file });
      }
    }
  }
  return {
    currentContext, preferences: preferences ?? {},
    clusters: [...lists.clusters.values()].sort(byName), contexts: [...lists.contexts.values()].sort(byName), users: [...lists.users.values()].sort(byName),
  };
};

/** `*-data` becomes DATA+OMITTED and tokens REDACTED, as `kubectl config view` without --raw. */
const redact = (entry: Dict): Dict => Object.fromEntries(Object.entries(entry).map(([k, v]) => {
  if (k.endsWith('-data')) return [k, 'DATA+OMITTED'];
  if (k === 'token' || k === 'password') return [k, 'REDACTED'];
  return [k, v];
}));

/** clientcmd's FlattenContent: `<k>: path` → `<k>-data: base64(file)`, the path relative to the kubeconfig's directory. */
const flatten = (entry: Dict, keys: string[], file: string): Dict => {
  const out = { ...entry };
  for (const k of keys) {
    const p = out[k];
    if (typeof p !== 'string' || p === '') continue;
    out[`${k}-data`] = fs.readFileSync(path.resolve(path.dirname(file), p)).toString('base64');
    delete out[k];
  }
  return out;
};

// clientcmd's struct field orders, which its JSON follows (YAML sorts keys).
const CLUSTER_ORDER = ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression', 'extensions'];
const USER_ORDER = ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups',
  'as-user-extra', 'username', 'password', 'auth-provider', 'exec', 'extensions'];
const CONTEXT_ORDER = ['cluster', 'user', 'namespace', 'extensions'];

/** Known keys in `order` first, the rest after them sorted. */
const ordered = (v: Dict, order: string[]): Dict => {
  const rank = (k: string) => { const i = order.indexOf(k); return i < 0 ? order.length : i; };
  return Object.fromEntries(Object.keys(v).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, v[k]]));
};

/** The Config kubectl prints: keys in the order of its JSON encoding (YAML sorts them anyway). */
export const viewConfig = (m: MergedConfig, o: ViewOptions): Dict => {
  let { clusters, contexts, users } = m;
  const current = o.context ?? m.currentContext;
  if (o.minify) {
    if (!current) throw new UsageError('current-context must exist in order to minify');
    contexts = contexts.filter((c) => c.name === current);
    if (contexts.length === 0) throw new UsageError(`cannot locate context ${current}`);
    const ctx = d(contexts[0].body.context);
    clusters = clusters.filter((c) => c.name === ctx.cluster);
    users = users.filter((u) => u.name === ctx.user);
  }
  const show = (body: Dict, keys: string[], file: string): Dict => {
    const flat = o.flatten ? flatten(body, keys, file) : body;
    return o.raw || o.flatten ? flat : redact(flat);
  };
  const list = <T>(items: T[]): T[] | null => (items.length > 0 ? items : null);
  return {
    kind: 'Config',
    apiVersion: 'v1',
    preferences: m.preferences,
    clusters: list(clusters.map((c) => ({ name: c.name, cluster: ordered(show(d(c.body.cluster), ['certificate-authority'], c.file), CLUSTER_ORDER) }))),
    users: list(users.map((u) => ({ name: u.name, user: ordered(show(d(u.body.user), ['client-certificate', 'client-key'], u.file), USER_ORDER) }))),
    contexts: list(contexts.map((c) => ({ name: c.name, context: ordered(d(c.body.context), CONTEXT_ORDER) }))),
    'current-context': o.minify ? current : m.currentContext,
  };
};
