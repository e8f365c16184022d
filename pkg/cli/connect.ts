// The real CliDeps: a Client from the kubeconfig. pkg/client is required lazily so that
// `berthctl --help` and flag errors never pay for TLS and HTTP modules (start-up time).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliDeps, Connection, GlobalFlags } from './types';

/**
 * kubectl's lookup (--kubeconfig, $KUBECONFIG, ~/.kube/config), then — Berth's addition —
 * `$BERTH_HOME/kubeconfig`, which `berth up` writes, when none of those exists.
 */
export const defaultKubeconfig = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (flag || env.KUBECONFIG) return flag;
  const home = env.HOME ?? os.homedir();
  if (fs.existsSync(path.join(home, '.kube', 'config'))) return undefined;
  const berth = path.join(env.BERTH_HOME ?? path.join(home, '.berth'), 'kubeconfig');
  return fs.existsSync(berth) ? berth : undefined;
};

export const connect = async (globals: GlobalFlags): Promise<Connection> => {
  const { loadKubeconfig, createClient } = await import('../client');
  const config = loadKubeconfig({ path: defaultKubeconfig(globals.kubeconfig), context: globals.context });
  const client = createClient({ ...config, userAgent: config.userAgent ?? `berthctl/v0.1.0 (${process.platform}/${process.arch})` });
  return { client, namespace: config.namespace || 'default' };
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
  const timer = setTimeout(done, ms);
  signal.addEventListener('abort', done, { once: true });
});

export const realDeps = (): CliDeps => ({ connect, sleep, now: () => new Date() });
