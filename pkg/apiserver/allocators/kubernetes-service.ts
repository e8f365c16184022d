// The `kubernetes` Service in `default` (k8s pkg/controlplane/controller/kubernetesservice):
// ClusterIP = the first address of the service range, port 443 named https to the apiserver's
// port. Its Endpoints are not written: this apiserver listens on loopback, which no pod can reach
// and which Endpoints may not name.
import type { ApiObject } from '../../../api/meta/v1';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import { objectKey, type Store } from '../../storage';
import type { ServiceRange } from './ranges';

export const kubernetesService = (range: ServiceRange, apiserverPort: number, now: Date): ApiObject => {
  const ip = range.valueAt(0);
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: 'kubernetes', namespace: 'default', uid: crypto.randomUUID(), creationTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: apiserverPort }],
      sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  } as ApiObject;
};

/** Creates it when missing; through the allocating store, so its address is marked taken. */
export const ensureKubernetesService = async (store: Pick<Store, 'get' | 'create'>, range: ServiceRange, apiserverPort: number, now: Date): Promise<boolean> => {
  const key = objectKey('services', 'default', 'kubernetes');
  try {
    await store.get(key);
    return false;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await store.create(key, kubernetesService(range, apiserverPort, now));
    return true;
  } catch (err) {
    // Another apiserver created it first (its address then is taken by that one).
    if (isAlreadyExists(err)) return false;
    throw err;
  }
};
