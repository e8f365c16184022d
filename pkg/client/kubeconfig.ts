// Reads a kubeconfig file the way kubectl does (client-go tools/clientcmd, single file only):
// path from the argument, else the first entry of $KUBECONFIG, else ~/.kube/config. Relative
// certificate paths are resolved against the kubeconfig's directory, as upstream does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import type { ClientConfig } from './types';

export interface LoadKubeconfigOptions {
  path?: string;
  context?: string;
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

export const kubeconfigPath = (explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string => {
  if (explicit) return explicit;
  const first = (env.KUBECONFIG ?? '').split(path.delimiter).find((p) => p !== '');
  return first ?? path.join(env.HOME ?? os.homedir(), '.kube', 'config');
};

/** Finds `{ name, <field>: {...} }` in one of the kubeconfig's named lists. */
const named = (doc: Dict, list: string, field: string, name: string, file: string): Dict => {
  const entries = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
  const entry = entries.find((e) => isDict(e) && e.name === name);
  const singular = list.replace(/s$/, '');
  if (!isDict(entry)) throw new KubeconfigError(`error: ${singular} "${name}" not found in kubeconfig ${file}`);
  const value = entry[field];
  return isDict(value) ? value : {};
};

const str = (d: Dict, k: string): string | undefined => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : undefined);

/** Inline `<k>-data` (base64) wins over the file `<k>`, as in clientcmd. */
const material = (d: Dict, k: string, dir: string, file: string): Buffer | undefined => {
  const data = str(d, `${k}-data`);
  if (data) return Buffer.from(data, 'base64');
  const p = str(d, k);
  if (!p) return undefined;
  const full = path.resolve(dir, p);
  try {
    return fs.readFileSync(full);
  } catch (err) {
    throw new KubeconfigError(`error: cannot read ${k} ${full} (from kubeconfig ${file}): ${(err as Error).message}`);
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
  if (!isDict(doc)) throw new KubeconfigError(`error: kubeconfig ${file} is empty or not a mapping`);
  return doc;
};

export const loadKubeconfig = (opts: LoadKubeconfigOptions = {}): ClientConfig => {
  const file = path.resolve(kubeconfigPath(opts.path, opts.env));
  const dir = path.dirname(file);
  const doc = readDoc(file);
  const contextName = opts.context ?? str(doc, 'current-context');
  if (!contextName) throw new KubeconfigError(`error: no current-context set in kubeconfig ${file}`);
  const context = named(doc, 'contexts', 'context', contextName, file);
  const clusterName = str(context, 'cluster');
  if (!clusterName) throw new KubeconfigError(`error: context "${contextName}" has no cluster in kubeconfig ${file}`);
  const cluster = named(doc, 'clusters', 'cluster', clusterName, file);
  const userName = str(context, 'user');
  const user = userName ? named(doc, 'users', 'user', userName, file) : {};
  const server = str(cluster, 'server');
  if (!server) throw new KubeconfigError(`error: cluster "${clusterName}" has no server in kubeconfig ${file}`);
  const cfg: ClientConfig = {
    server: server.replace(/\/+$/, ''),
    ca: material(cluster, 'certificate-authority', dir, file),
    cert: material(user, 'client-certificate', dir, file),
    key: material(user, 'client-key', dir, file),
    token: str(user, 'token') ?? tokenFile(user, dir, file),
    namespace: str(context, 'namespace') ?? 'default',
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  return cfg;
};

const tokenFile = (user: Dict, dir: string, file: string): string | undefined => {
  const p = str(user, 'tokenFile');
  if (!p) return undefined;
  try {
    return fs.readFileSync(path.resolve(dir, p), 'utf8').trim();
  } catch (err) {
    throw new KubeconfigError(`error: cannot read tokenFile ${p} (from kubeconfig ${file}): ${(err as Error).message}`);
  }
};
