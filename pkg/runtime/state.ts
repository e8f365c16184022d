// On-disk state: one JSON record per sandbox and per container, written atomically inside the
// object's own directory. Nothing lives only in memory, so `kill -9` of the runtime loses nothing:
// on start every record is read back, and containers keep running under their shims.
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerConfig, PodSandboxConfig } from './cri-types';
import type { Executor } from './executor';
import type { SandboxNamespaces } from './host-namespaces';

export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  createdAt: number;
  /** SANDBOX_NOTREADY after StopPodSandbox. */
  ready: boolean;
  hostname: string;
  ip: string;
  /** Network configured by CNI and not yet torn down. */
  networkAttached: boolean;
  /**
   * Bind-mounted namespace files: none for a host namespace (net and uts with hostNetwork, ipc with
   * hostIPC); `pid` only when the pod shares one PID namespace (NamespaceMode POD).
   */
  ns: SandboxNamespaces;
  /** The init of the shared PID namespace (`berth-shim pause`), while it runs. */
  pausePid?: number;
  /** The bridge plugin's ADD result, given back to the chained plugins on DEL (libcni caches it). */
  cniResult?: unknown;
  cgroupPath: string;
  /** The CRI runtime handler of RunPodSandbox ('' = the runtime's default executor). */
  runtimeHandler?: string;
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  imageId: string;
  imageRef: string;
  createdAt: number;
  cgroupPath: string;
  logPath: string;
  startedAt?: number;
  pid?: number;
  /** Set when StartContainer failed: the container is exited with this message. */
  startError?: string;
  /** Which program started it (absent in records written before executors existed: native). */
  executor?: Executor;
}

export interface ExitRecord { exitCode: number; signal: number; finishedAt: string }

export interface RuntimeLayout {
  root: string;
  sandboxDir(id: string): string;
  containerDir(id: string): string;
}

export const runtimeLayout = (root: string): RuntimeLayout => ({
  root,
  sandboxDir: (id) => path.join(root, 'sandboxes', id),
  containerDir: (id) => path.join(root, 'containers', id),
});

const recordFile = { sandbox: 'sandbox.json', container: 'container.json' } as const;

export const writeJsonAtomic = async (file: string, value: unknown): Promise<void> => {
  const tmp = `${file}.tmp`;
  await fs.promises.writeFile(tmp, JSON.stringify(value, null, 2));
  await fs.promises.rename(tmp, file);
};

/** The errno code of a Node system error. Not `instanceof Error`: under jest, core errors come from another realm. */
export const errnoCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

const readJson = async <T>(file: string): Promise<T | undefined> => {
  try {
    return JSON.parse(await fs.promises.readFile(file, 'utf8')) as T;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
};

const listIds = async (dir: string): Promise<string[]> => {
  try {
    return (await fs.promises.readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
};

/** Reads and writes the records under one runtime root. */
export class StateStore {
  constructor(readonly layout: RuntimeLayout) {}

  getSandbox(id: string): Promise<SandboxRecord | undefined> {
    return readJson<SandboxRecord>(path.join(this.layout.sandboxDir(id), recordFile.sandbox));
  }
  putSandbox(rec: SandboxRecord): Promise<void> {
    return writeJsonAtomic(path.join(this.layout.sandboxDir(rec.id), recordFile.sandbox), rec);
  }
  async listSandboxes(): Promise<SandboxRecord[]> {
    const recs = await Promise.all((await listIds(path.join(this.layout.root, 'sandboxes'))).map((id) => this.getSandbox(id)));
    return recs.filter((r): r is SandboxRecord => r !== undefined);
  }

  getContainer(id: string): Promise<ContainerRecord | undefined> {
    return readJson<ContainerRecord>(path.join(this.layout.containerDir(id), recordFile.container));
  }
  putContainer(rec: ContainerRecord): Promise<void> {
    return writeJsonAtomic(path.join(this.layout.containerDir(rec.id), recordFile.container), rec);
  }
  async listContainers(): Promise<ContainerRecord[]> {
    const recs = await Promise.all((await listIds(path.join(this.layout.root, 'containers'))).map((id) => this.getContainer(id)));
    return recs.filter((r): r is ContainerRecord => r !== undefined);
  }
  readExit(id: string): Promise<ExitRecord | undefined> {
    return readJson<ExitRecord>(path.join(this.layout.containerDir(id), 'exit.json'));
  }
  /** Directories without a record (a crash between mkdir and the first write) for cleanup. */
  async orphanDirs(kind: 'sandboxes' | 'containers'): Promise<string[]> {
    const ids = await listIds(path.join(this.layout.root, kind));
    const file = kind === 'sandboxes' ? recordFile.sandbox : recordFile.container;
    return ids.map((id) => path.join(this.layout.root, kind, id)).filter((d) => !fs.existsSync(path.join(d, file)));
  }
}

/** Serialises operations per key (one sandbox or container at a time), across async steps. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
