// The pod's volumes on the node (kubelet volumemanager + the emptyDir, hostPath, configMap, secret,
// downwardAPI and projected plugins): each volume becomes a host directory (or file) under
// <root>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>, which the runtime binds into the
// containers (volume-mounts.ts). API-data volumes are rewritten atomically when their source
// changes, checked again at most every refreshMs (a projected service account token changes when
// the token manager refreshes it). Pod teardown unmounts and removes it all.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ApiConfigMap, ApiSecret, Pod, ServiceAccountTokenProjection, Volume } from '../../api/core/v1';
import { isNotFound } from '../apimachinery/errors';
import type { ResourceClient } from '../client/types';
import type { Logger } from '../log';
import { writeAtomic, type Payload } from './atomic-writer';
import { podIdentity } from './pod-util';
import { bytes } from './quantity';
import type { ServiceAccountTokens } from './token-manager';
import { checkHostPathType } from './volume-host-path';
import { errnoCode, VolumeError } from './volume-errors';
import { configMapPayload, defaultFileMode, downwardAPIPayload, secretPayload } from './volume-sources';

const run = promisify(execFile);

/** Host mounts the volume manager makes (tmpfs for emptyDir medium Memory). */
export interface Mounter {
  mountTmpfs(target: string, sizeBytes: number): Promise<void>;
  umount(target: string): Promise<void>;
  /** Mount points at or below `dir`, deepest first. */
  mountsUnder(dir: string): string[];
}

const unescapeMountinfo = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

export const hostMounter: Mounter = {
  mountTmpfs: async (target, sizeBytes) => {
    await run('mount', ['-t', 'tmpfs', '-o', ['nosuid', 'nodev', ...(sizeBytes > 0 ? [`size=${sizeBytes}`] : [])].join(','), 'tmpfs', target]);
  },
  umount: async (target) => { await run('umount', [target]); },
  mountsUnder: (dir) => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => unescapeMountinfo(l.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length),
};

/**
 * A volume as a host path; API-data volumes are read-only in every container (kubelet ReadOnlyAPIDataVolumes).
 * sizeLimit: a disk emptyDir's limit in bytes, which only eviction can enforce (a tmpfs one is enforced by its size).
 */
export interface PodVolume { hostPath: string; readOnly: boolean; sizeLimit?: number }
export type PodVolumes = Map<string, PodVolume>;

export interface VolumeDeps {
  /** <agent root>/pods: one directory per pod UID. */
  podsDir: string;
  configMaps: Pick<ResourceClient<ApiConfigMap>, 'get'>;
  secrets: Pick<ResourceClient<ApiSecret>, 'get'>;
  /** Tokens for projected serviceAccountToken sources; without it (no API server) such volumes fail. */
  tokens?: ServiceAccountTokens;
  mounter?: Mounter;
  log: Logger;
  /** How often API-data volumes of a running pod are compared with their source (ms; default 5000). */
  refreshMs?: number;
  now?: () => number;
}

const pluginDir: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir', configMap: 'kubernetes.io~configmap', secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api', projected: 'kubernetes.io~projected',
};

export class VolumeManager {
  private lastSetUp = new Map<string, number>();

  constructor(private readonly d: VolumeDeps) {}

  podDir(uid: string): string { return path.join(this.d.podsDir, uid); }

  /** Whether the pod's volumes are due for a check (containers to start, or refreshMs since the last). */
  due(pod: Pod, starting: boolean): boolean {
    if (starting) return true;
    const last = this.lastSetUp.get(podIdentity(pod).uid);
    return last === undefined || (this.d.now ?? Date.now)() - last >= (this.d.refreshMs ?? 5000);
  }

  /** Sets up (or refreshes) every volume of the pod; throws VolumeError naming the volume that failed. */
  async setUpPod(pod: Pod): Promise<PodVolumes> {
    const out: PodVolumes = new Map();
    for (const v of pod.spec?.volumes ?? []) {
      try {
        out.set(v.name, await this.setUpVolume(pod, v));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      }
    }
    this.lastSetUp.set(podIdentity(pod).uid, (this.d.now ?? Date.now)());
    return out;
  }

  /** The host paths of the pod's volumes without touching them (for containers started after a setup). */
  volumePaths(pod: Pod): PodVolumes {
    return new Map((pod.spec?.volumes ?? []).map((v) => [v.name, { hostPath: v.hostPath ? v.hostPath.path : this.volumeDir(pod, v), readOnly: isApiData(v) }]));
  }

  private volumeDir(pod: Pod, v: Volume): string {
    const plugin = Object.keys(pluginDir).find((k) => v[k as keyof Volume] !== undefined);
    return path.join(this.podDir(podIdentity(pod).uid), 'volumes', pluginDir[plugin ?? 'emptyDir'], v.name);
  }

  private async setUpVolume(pod: Pod, v: Volume): Promise<PodVolume> {
    if (v.hostPath) {
      checkHostPathType(v.hostPath.path, v.hostPath.type ?? '');
      return { hostPath: v.hostPath.path, readOnly: false };
    }
    const dir = this.volumeDir(pod, v);
    if (v.emptyDir) {
      const medium = v.emptyDir.medium ?? '';
      const sizeLimit = bytes(v.emptyDir.sizeLimit);
      await this.setUpEmptyDir(dir, medium, sizeLimit);
      return { hostPath: dir, readOnly: false, ...(medium === '' && sizeLimit > 0 ? { sizeLimit } : {}) };
    }
    const payload = await this.payloadOf(pod, v);
    if (!payload) throw new VolumeError('unsupported volume type (supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected)');
    if (memoryBacked(v)) await this.ensureTmpfs(dir, 0);
    if (writeAtomic(dir, payload)) this.d.log.info('volume written', { pod: podIdentity(pod).name, volume: v.name, files: payload.size });
    return { hostPath: dir, readOnly: true };
  }

  private async setUpEmptyDir(dir: string, medium: string, sizeLimit: number): Promise<void> {
    if (medium !== '' && medium !== 'Memory') throw new VolumeError(`unsupported emptyDir medium "${medium}"`);
    if (medium === 'Memory') await this.ensureTmpfs(dir, sizeLimit);
    else fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o777); // kubelet: emptyDir is world-writable, whoever the containers run as
  }

  /** `dir` as a tmpfs mount point (once; a refresh finds it mounted). */
  private async ensureTmpfs(dir: string, sizeBytes: number): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    if (!this.mounter().mountsUnder(dir).includes(dir)) await this.mounter().mountTmpfs(dir, sizeBytes);
  }

  private mounter(): Mounter { return this.d.mounter ?? hostMounter; }

  /** The files of an API-data volume; undefined for a volume type that is not one. */
  private async payloadOf(pod: Pod, v: Volume): Promise<Payload | undefined> {
    const ns = podIdentity(pod).namespace;
    if (v.configMap) return this.configMapFiles(ns, v.configMap.name ?? '', v.configMap.items, v.configMap.defaultMode ?? defaultFileMode, v.configMap.optional ?? false);
    if (v.secret) return this.secretFiles(ns, v.secret.secretName ?? '', v.secret.items, v.secret.defaultMode ?? defaultFileMode, v.secret.optional ?? false);
    if (v.downwardAPI) return downwardAPIPayload(pod, v.downwardAPI);
    if (!v.projected) return undefined;
    const mode = v.projected.defaultMode ?? defaultFileMode;
    const out: Payload = new Map();
    for (const s of v.projected.sources ?? []) {
      let part: Payload;
      if (s.configMap) part = await this.configMapFiles(ns, s.configMap.name ?? '', s.configMap.items, mode, s.configMap.optional ?? false);
      else if (s.secret) part = await this.secretFiles(ns, s.secret.name ?? '', s.secret.items, mode, s.secret.optional ?? false);
      else if (s.downwardAPI) part = downwardAPIPayload(pod, { ...s.downwardAPI, defaultMode: mode });
      else if (s.serviceAccountToken) part = await this.tokenFile(pod, s.serviceAccountToken, mode);
      else throw new VolumeError('projected: only configMap, secret, downwardAPI and serviceAccountToken sources are supported yet');
      for (const [k, f] of part) out.set(k, f);
    }
    return out;
  }

  private async configMapFiles(ns: string, name: string, items: Parameters<typeof configMapPayload>[1], mode: number, optional: boolean): Promise<Payload> {
    const cm = await getOptional(() => this.d.configMaps.get(ns, name), `configmap "${name}" not found`, optional);
    return cm ? configMapPayload(cm, items, mode, optional) : new Map();
  }

  private async secretFiles(ns: string, name: string, items: Parameters<typeof secretPayload>[1], mode: number, optional: boolean): Promise<Payload> {
    const secret = await getOptional(() => this.d.secrets.get(ns, name), `secret "${name}" not found`, optional);
    return secret ? secretPayload(secret, items, mode, optional) : new Map();
  }

  /**
   * The token of the pod's service account, bound to the pod (kubelet projected.go). Its mode is the
   * volume's: kubelet writes 0600 only when fsUser/fsGroup apply and then chowns the volume
   * (SetVolumeOwnership), which the agent does not do, so 0600 would lock non-root containers out.
   */
  private async tokenFile(pod: Pod, src: ServiceAccountTokenProjection, mode: number): Promise<Payload> {
    if (!this.d.tokens) throw new VolumeError('serviceAccountToken: the agent has no token manager (no API server)');
    const id = podIdentity(pod);
    const token = await this.d.tokens.getServiceAccountToken(id.namespace, pod.spec?.serviceAccountName || 'default', {
      audiences: src.audience ? [src.audience] : [], expirationSeconds: src.expirationSeconds ?? defaultTokenExpirationSeconds,
      boundPod: { name: id.name, uid: id.uid },
    });
    return new Map([[src.path, { data: Buffer.from(token, 'utf8'), mode }]]);
  }

  /** Unmounts and removes everything of the pod on the node. Idempotent. */
  async tearDownPod(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    for (const m of this.mounter().mountsUnder(dir)) await this.mounter().umount(m);
    // Never follow a mount point into someone else's data: rm only once nothing is mounted below.
    if (this.mounter().mountsUnder(dir).length > 0) throw new Error(`pod directory ${dir} still has mounts`);
    fs.rmSync(dir, { recursive: true, force: true });
    this.lastSetUp.delete(uid);
    this.d.tokens?.deletePodTokens(uid);
  }

  /** UIDs that have a pod directory (for cleanup of pods gone while the agent was down). */
  podUIDs(): string[] {
    try {
      return fs.readdirSync(this.d.podsDir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
  }
}

/** The API server's default for a serviceAccountToken source's expirationSeconds. */
const defaultTokenExpirationSeconds = 3600;

const isApiData = (v: Volume): boolean => Boolean(v.configMap || v.secret || v.downwardAPI || v.projected);

/**
 * Volumes kubelet keeps in memory only (their plugins wrap an emptyDir of medium Memory): secrets,
 * downwardAPI and projected, so their data never reaches the node's disk. configMap is on disk.
 */
const memoryBacked = (v: Volume): boolean => Boolean(v.secret || v.downwardAPI || v.projected);

const getOptional = async <T>(get: () => Promise<T>, missing: string, optional: boolean): Promise<T | undefined> => {
  try {
    return await get();
  } catch (err) {
    if (!isNotFound(err)) throw err;
    if (optional) return undefined;
    throw new VolumeError(missing);
  }
};
