// apply --prune (kubectl apply/prune.go): after applying, list every allowlisted type with
// the selector — namespaced types in each namespace this run touched, cluster types once —
// and delete the objects that carry the last-applied annotation but were not applied now.
import type { ApiObject } from '../../api/meta/v1';
import { resourceTable, type ResourceInfo } from './resource-table';
import type { ApplyCommand } from './apply';
import { LAST_APPLIED } from './merge-patch';
import { kindName, resourcePath } from './resource';
import { UsageError, type IO } from './types';

/** kubectl's default allowlist: [group, version, kind, namespaced], namespaced first. */
export const DEFAULT_PRUNE_ALLOWLIST: [string, string, string, boolean][] = [
  ['', 'v1', 'ConfigMap', true], ['', 'v1', 'Endpoints', true], ['', 'v1', 'PersistentVolumeClaim', true], ['', 'v1', 'Pod', true],
  ['', 'v1', 'ReplicationController', true], ['', 'v1', 'Secret', true], ['', 'v1', 'Service', true], ['batch', 'v1', 'Job', true],
  ['batch', 'v1', 'CronJob', true], ['networking.k8s.io', 'v1', 'Ingress', true], ['apps', 'v1', 'DaemonSet', true],
  ['apps', 'v1', 'Deployment', true], ['apps', 'v1', 'ReplicaSet', true], ['apps', 'v1', 'StatefulSet', true],
  ['', 'v1', 'Namespace', false], ['', 'v1', 'PersistentVolume', false],
];

const find = (group: string, version: string, kind: string): ResourceInfo | undefined =>
  resourceTable().find((r) => r.group === group && r.version === version && r.kind === kind);

/**
 * The types to prune. kubectl fails when a default kind is not served; Berth serves a subset
 * of Kubernetes, so default kinds it does not serve are skipped (nothing of theirs can exist).
 */
export const pruneTypes = (allowlist: string[] | undefined): ResourceInfo[] => {
  if (!allowlist?.length) return DEFAULT_PRUNE_ALLOWLIST.flatMap(([g, v, k]) => find(g, v, k) ?? []);
  return allowlist.map((gvk) => {
    const parts = gvk.split('/');
    if (parts.length !== 3) throw new UsageError(`invalid GroupVersionKind format: ${gvk}, please follow <group/version/kind>`);
    const [group, version, kind] = [parts[0] === 'core' ? '' : parts[0], parts[1], parts[2]];
    const info = find(group, version, kind);
    if (!info) throw new UsageError(`no matches for kind "${kind}" in version "${group ? `${group}/` : ''}${version}"`);
    return info;
  });
};

/** klog's warning line format, as kubectl prints this deprecation notice. */
const klogWarning = (now: Date, message: string): string => {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ts = `${p(now.getMonth() + 1)}${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${p(now.getMilliseconds() * 1000, 6)}`;
  return `W${ts} ${String(process.pid).padStart(7)} prune.go:71] ${message}\n`;
};

export const pruneAfterApply = async (cmd: ApplyCommand, io: IO): Promise<void> => {
  if (!cmd.flags.pruneAllowlist?.length) {
    io.err.write(klogWarning(cmd.deps?.now() ?? new Date(), 'Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag.'));
  }
  const types = pruneTypes(cmd.flags.pruneAllowlist);
  const namespaced = types.filter((t) => t.namespaced);
  const cluster = types.filter((t) => !t.namespaced);
  for (const ns of cmd.visitedNamespaces) for (const info of namespaced) await pruneType(cmd, io, info, ns);
  for (const info of cluster) await pruneType(cmd, io, info, '');
};

const pruneType = async (cmd: ApplyCommand, io: IO, info: ResourceInfo, namespace: string): Promise<void> => {
  const list = await cmd.client.request<{ items?: ApiObject[] }>('GET', resourcePath(info, namespace), { query: { labelSelector: cmd.flags.selector } });
  for (const obj of list.items ?? []) {
    if (!(LAST_APPLIED in (obj.metadata.annotations ?? {}))) continue; // not created by apply
    if (obj.metadata.uid && cmd.visitedUids.has(obj.metadata.uid)) continue;
    if (cmd.flags.dryRun !== 'client') {
      await cmd.client.request('DELETE', resourcePath(info, obj.metadata.namespace ?? namespace, obj.metadata.name ?? ''), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', ...(cmd.flags.dryRun === 'server' ? { dryRun: ['All'] } : {}) },
      });
    }
    io.out.write(`${kindName(info)}/${obj.metadata.name} pruned${cmd.dryRunSuffix()}\n`);
  }
};
