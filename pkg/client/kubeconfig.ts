// Reads kubeconfig files the way kubectl does (client-go tools/clientcmd loader.go): an explicit
// path is the only file; otherwise every file of $KUBECONFIG is merged — the first file to
// define a cluster, user or context name wins, and so does the first current-context — else
// ~/.kube/config. Files of $KUBECONFIG that do not exist are skipped, as upstream. Relative
// certificate paths are resolved against the directory of the file that holds the entry.
// Not supported: exec credential plugins and auth-provider (a clear error says so).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { ExecCredentialError, runExecPlugin, type ExecConfig } from './exec-credential';
import type { ClientConfig } from './types';

export interface LoadKubeconfigOptions {
  path?: string;
  /** --context, --cluster, --user, --namespace overrides (kubectl's global flags). */
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  /** Defaults to process.env (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/** A kubeconfig that cannot be used; its message is one line, ready to print. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  readonly code = 'BERTH_ERR_KUBECONFIG';
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file kubectl writes to (config use-context): the explicit one, else the first of $KUBECONFIG. */
export const kubeconfigPath = (explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string => {
  if (explicit) return explicit;
  const first = (env.KUBECONFIG ?? '').split(path.delimiter).find((p) => p !== '');
  return first ?? path.join(env.HOME ?? os.homedir(), '.kube', 'config');
};

/** Every file kubectl would read, in precedence order. */
export const kubeconfigPaths = (explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] => {
  if (explicit) return [path.resolve(explicit)];
  const list = [...new Set((env.KUBECONFIG ?? '').split(path.delimiter).filter((p) => p !== '').map((p) => path.resolve(p)))];
  return list.length > 0 ? list : [path.resolve(env.HOME ?? os.homedir(), '.kube', 'config')];
};

/** A named entry and the file it came from (its relative paths resolve against that file). */
interface Entry { value: Dict; file: string }

export interface MergedKubeconfig {
  files: string[];
  currentContext?: string;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
}

const str = (d: Dict, k: string): string | undefined => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : undefined);

/** Adds `{ name, <field>: {...} }` entries of one file's list; names already seen keep their first definition. */
const mergeNamed = (into: Map<string, Entry>, doc: Dict, list: string, field: string, file: string) => {
  for (const e of Array.isArray(doc[list]) ? (doc[list] as unknown[]) : []) {
    if (!isDict(e) || typeof e.name !== 'string' || into.has(e.name)) continue;
    into.set(e.name, { value: isDict(e[field]) ? e[field] : {}, file });
  }
};

/** Reads and merges `files`; a file that does not exist is skipped unless it is the only one. */
export const mergeKubeconfigs = (files: string[]): MergedKubeconfig => {
  const merged: MergedKubeconfig = { files, clusters: new Map(), users: new Map(), contexts: new Map() };
  let found = 0;
  for (const file of files) {
    if (files.length > 1 && !fs.existsSync(file)) continue;
    const doc = readDoc(file);
    found++;
    merged.currentContext ??= str(doc, 'current-context');
    mergeNamed(merged.clusters, doc, 'clusters', 'cluster', file);
    mergeNamed(merged.users, doc, 'users', 'user', file);
    mergeNamed(merged.contexts, doc, 'contexts', 'context', file);
  }
  if (found === 0) throw new KubeconfigError(`error: kubeconfig ${files.join(path.delimiter)} does not exist`);
  return merged;
};

/** Inline `<k>-data` (base64) wins over the file `<k>`, as in clientcmd. */
const material = (e: Entry, k: string): Buffer | undefined => {
  const data = str(e.value, `${k}-data`);
  if (data) return Buffer.from(data, 'base64');
  const p = str(e.value, k);
  if (!p) return undefined;
  const full = path.resolve(path.dirname(e.file), p);
  try {
    return fs.readFileSync(full);
  } catch (err) {
    throw new KubeconfigError(`error: cannot read ${k} ${full} (from kubeconfig ${e.file}): ${(err as Error).message}`);
  }
};

const readDoc = (file: string): Dict => {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KubeconfigError(code === 'ENOENT' ? `error: kubeconfig ${file} does not exist` : `error: cannot read kubeconfig ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = load(text);
  } catch (err) {
    throw new KubeconfigError(`error: kubeconfig ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === undefined || doc === null) return {}; // an empty file is an empty config, as upstream
  if (!isDict(doc)) throw new KubeconfigError(`error: kubeconfig ${file} is not a mapping`);
  return doc;
};

const lookup = (m: MergedKubeconfig, kind: 'cluster' | 'user' | 'context', name: string): Entry => {
  const e = m[`${kind}s`].get(name);
  if (!e) throw new KubeconfigError(`error: ${kind} "${name}" not found in kubeconfig ${m.files.join(path.delimiter)}`);
  return e;
};

/** auth-provider (gcp, azure, oidc) needs provider code we do not ship; exec plugins run (exec-credential.ts). */
const rejectPlugins = (user: Entry, userName: string) => {
  if (user.value['auth-provider'] !== undefined) {
    throw new KubeconfigError(`error: user "${userName}" in kubeconfig ${user.file} uses an auth-provider, which berth does not support; use a client certificate, a token or an exec credential plugin`);
  }
};

/** The exec plugin's credential, when the user has one (its token and certificate win over the user's own, as client-go). */
const execCredential = (user: Entry, cluster: Entry, server: string): Partial<ClientConfig> => {
  const exec = user.value.exec;
  if (!isDict(exec)) return {};
  try {
    const s = runExecPlugin(exec as ExecConfig, user.file, { server, 'certificate-authority-data': str(cluster.value, 'certificate-authority-data'),
      'insecure-skip-tls-verify': cluster.value['insecure-skip-tls-verify'] === true });
    return {
      ...(s.token ? { token: s.token } : {}),
      ...(s.clientCertificateData && s.clientKeyData ? { cert: Buffer.from(s.clientCertificateData), key: Buffer.from(s.clientKeyData) } : {}),
    };
  } catch (err) {
    if (err instanceof ExecCredentialError) throw new KubeconfigError(err.message);
    throw err;
  }
};

const tokenFile = (user: Entry): { token?: string; tokenFile?: string } => {
  const p = str(user.value, 'tokenFile');
  if (!p) return {};
  const full = path.resolve(path.dirname(user.file), p);
  try {
    return { token: fs.readFileSync(full, 'utf8').trim(), tokenFile: full };
  } catch (err) {
    throw new KubeconfigError(`error: cannot read tokenFile ${p} (from kubeconfig ${user.file}): ${(err as Error).message}`);
  }
};

export const loadKubeconfig = (opts: LoadKubeconfigOptions = {}): ClientConfig => {
  const m = mergeKubeconfigs(kubeconfigPaths(opts.path, opts.env));
  const files = m.files.join(path.delimiter);
  const contextName = opts.context ?? m.currentContext;
  if (!contextName) throw new KubeconfigError(`error: no current-context set in kubeconfig ${files}`);
  const context = lookup(m, 'context', contextName).value;
  const clusterName = opts.cluster ?? str(context, 'cluster');
  if (!clusterName) throw new KubeconfigError(`error: context "${contextName}" has no cluster in kubeconfig ${files}`);
  const cluster = lookup(m, 'cluster', clusterName);
  const userName = opts.user ?? str(context, 'user');
  const user: Entry = userName ? lookup(m, 'user', userName) : { value: {}, file: m.files[0] };
  if (userName) rejectPlugins(user, userName);
  const server = str(cluster.value, 'server');
  if (!server) throw new KubeconfigError(`error: cluster "${clusterName}" has no server in kubeconfig ${cluster.file}`);
  const fromFile = tokenFile(user);
  const cfg: ClientConfig = {
    server: server.replace(/\/+$/, ''),
    ca: material(cluster, 'certificate-authority'),
    cert: material(user, 'client-certificate'),
    key: material(user, 'client-key'),
    token: str(user.value, 'token') ?? fromFile.token,
    namespace: opts.namespace ?? str(context, 'namespace') ?? 'default',
    insecureSkipTLSVerify: cluster.value['insecure-skip-tls-verify'] === true,
  };
  if (fromFile.tokenFile) cfg.tokenFile = fromFile.tokenFile;
  const plugin = execCredential(user, cluster, cfg.server);
  if (plugin.token) { cfg.token = plugin.token; delete cfg.tokenFile; }
  if (plugin.cert) { cfg.cert = plugin.cert; cfg.key = plugin.key; }
  return cfg;
};
