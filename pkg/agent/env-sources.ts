// Fetches what a container's environment reads from the API (kubelet's configmap and secret
// managers and its service lister) so that the builder in container-env.ts stays pure.
import type { ApiConfigMap, ApiSecret, ApiService, Container, Pod } from '../../api/core/v1';
import { isNotFound } from '../apimachinery/errors';
import type { Informer, ResourceClient } from '../client/types';
import { ContainerConfigError } from './container-config-error';
import type { EnvSources } from './container-env';
import { podIdentity } from './pod-util';

export interface EnvSourceClients {
  configMaps: Pick<ResourceClient<ApiConfigMap>, 'get'>;
  secrets: Pick<ResourceClient<ApiSecret>, 'get'>;
  /** The services informer over every namespace (default/kubernetes is always read). */
  services: Pick<Informer<ApiService>, 'byIndex' | 'hasSynced'>;
}

/** The names of the ConfigMaps and Secrets that the container's envFrom and env refer to. */
export const envReferences = (c: Container): { configMaps: Set<string>; secrets: Set<string> } => {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) configMaps.add(from.configMapRef.name ?? '');
    else if (from.secretRef) secrets.add(from.secretRef.name ?? '');
  }
  for (const e of c.env ?? []) {
    if (e.value || !e.valueFrom) continue;
    if (e.valueFrom.configMapKeyRef) configMaps.add(e.valueFrom.configMapKeyRef.name ?? '');
    else if (e.valueFrom.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name ?? '');
  }
  return { configMaps, secrets };
};

/** The objects that exist, by name; NotFound leaves a name out, any other failure is the container's config error. */
const fetchAll = async <T>(names: Set<string>, get: (name: string) => Promise<T>): Promise<Map<string, T>> => {
  const found = await Promise.all([...names].map(async (name): Promise<[string, T | undefined]> => {
    try {
      return [name, await get(name)];
    } catch (err) {
      if (isNotFound(err)) return [name, undefined];
      throw new ContainerConfigError(err instanceof Error ? err.message : String(err));
    }
  }));
  const out = new Map<string, T>();
  for (const [name, obj] of found) if (obj !== undefined) out.set(name, obj);
  return out;
};

/**
 * The sources of `c`'s environment. Like kubelet, no environment is built before the services
 * informer has listed once: a pod started then would miss KUBERNETES_SERVICE_HOST for good.
 */
export const fetchEnvSources = async (pod: Pod, c: Container, clients: EnvSourceClients): Promise<EnvSources> => {
  if (!clients.services.hasSynced()) throw new ContainerConfigError('services have not yet been read at least once, cannot construct envvars');
  const ns = podIdentity(pod).namespace;
  const refs = envReferences(c);
  const [configMaps, secrets] = await Promise.all([
    fetchAll(refs.configMaps, (name) => clients.configMaps.get(ns, name)),
    fetchAll(refs.secrets, (name) => clients.secrets.get(ns, name)),
  ]);
  return { configMaps, secrets, services: (namespace) => clients.services.byIndex('namespace', namespace) };
};
