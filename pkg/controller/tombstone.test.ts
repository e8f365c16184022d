// Every controller's delete path accepts client-go's DeletedFinalStateUnknown (what an informer
// delivers when a relist finds an object gone): FakeInformer.vanish() fires the tombstone, and
// each row checks the key its controller enqueues from the tombstone's last known state. A
// handler that read the tombstone as an object would throw (no metadata) or enqueue nothing.
import type { ApiEndpoints, ApiPod, ApiService } from '../../api/core/v1';
import type { ApiEndpointSlice } from '../../api/discovery/v1';
import type { ApiObject } from '../../api/meta/v1';
import type { ApiPodDisruptionBudget } from '../../api/policy/v1';
import type { ApiDeployment, ApiReplicaSet } from '../../api/apps/v1';
import type { ApiJob } from '../../api/batch/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import type { RateLimitedWorkQueue } from '../client';
import { FakeInformer } from '../client/fake-informer';
import { silentLogger } from '../log';
import { newDeploymentController } from './deployment';
import { newDisruptionController } from './disruption';
import { newEndpointsController } from './endpoints';
import { controllerManagedBy, managedByLabel, newEndpointSliceController, serviceNameIndex, serviceNameIndexFunc, serviceNameLabel } from './endpointslice';
import { newGarbageCollector } from './garbagecollector';
import { newJobController } from './job';
import { newNamespaceController } from './namespace';
import { newReplicaSetController } from './replicaset/controller';
import { newServiceAccountController } from './serviceaccount';

const unused = (): Promise<never> => Promise.reject(new Error('not in this test'));
const recorder = { event: () => undefined };
const log = silentLogger();
const meta = (name: string, o: Partial<ApiObject['metadata']> = {}) => ({ name, namespace: 'ns', uid: `uid-${name}`, ...o });
const owned = (kind: string, name: string) => [{ apiVersion: 'v1', kind, name, uid: `uid-${name}`, controller: true }];
const pod = (o: Partial<ApiObject['metadata']> = {}): ApiPod => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta('p1', o), spec: { containers: [] } });

/** Takes every key the queue holds. */
const drain = async (q: RateLimitedWorkQueue): Promise<string[]> => {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = await q.get();
    if (k === undefined) break;
    out.push(k);
    q.done(k);
  }
  return out.sort();
};

interface Row { name: string; setup: () => { queue: RateLimitedWorkQueue; vanish: () => void; want: string[] } }

const rows: Row[] = [
  {
    name: 'replicaset: a vanished pod enqueues its ReplicaSet',
    setup: () => {
      const pods = new FakeInformer<ApiPod>();
      const c = newReplicaSetController({
        replicaSets: new FakeInformer<ApiReplicaSet>(), pods, podClient: { create: unused, delete: unused }, rsClient: { updateStatus: unused }, recorder, log,
      });
      const p = pod({ ownerReferences: owned('ReplicaSet', 'rs1') });
      pods.seed(p);
      return { queue: c.queue, vanish: () => pods.vanish(p), want: ['ns/rs1'] };
    },
  },
  {
    name: 'deployment: a vanished pod of a Recreate deployment enqueues the deployment',
    setup: () => {
      const [deployments, replicaSets, pods] = [new FakeInformer<ApiDeployment>(), new FakeInformer<ApiReplicaSet>(), new FakeInformer<ApiPod>()];
      const c = newDeploymentController({
        deployments, replicaSets, pods, recorder, log,
        dClient: { get: unused, update: unused, updateStatus: unused }, rsClient: { create: unused, update: unused, get: unused, delete: unused, patch: unused },
      });
      deployments.seed({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('d1'), spec: { selector: {}, template: {}, strategy: { type: 'Recreate' } } } as ApiDeployment);
      replicaSets.seed({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs1', { ownerReferences: owned('Deployment', 'd1') }), spec: { selector: {} } } as ApiReplicaSet);
      const p = pod({ ownerReferences: owned('ReplicaSet', 'rs1') });
      pods.seed(p);
      return { queue: c.queue, vanish: () => pods.vanish(p), want: ['ns/d1'] };
    },
  },
  {
    name: 'disruption: a vanished pod enqueues the PodDisruptionBudget selecting it',
    setup: () => {
      const [pdbs, pods] = [new FakeInformer<ApiPodDisruptionBudget>(), new FakeInformer<ApiPod>()];
      const c = newDisruptionController({ pdbs, pods, pdbClient: { updateStatus: unused }, log });
      pdbs.seed({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('pdb1'), spec: { selector: { matchLabels: { app: 'web' } } } });
      const p = pod({ labels: { app: 'web' } });
      pods.seed(p);
      return { queue: c.queue, vanish: () => pods.vanish(p), want: ['ns/pdb1'] };
    },
  },
  {
    name: 'job: a vanished pod enqueues its Job',
    setup: () => {
      const pods = new FakeInformer<ApiPod>();
      const jobClient = { updateStatus: unused, delete: unused }; // a variable: no excess-property check as the deps grow
      const c = newJobController({ jobs: new FakeInformer<ApiJob>(), pods, podClient: { create: unused, delete: unused }, jobClient, recorder, log });
      const p = pod({ ownerReferences: owned('Job', 'job1') });
      pods.seed(p);
      return { queue: c.queue, vanish: () => pods.vanish(p), want: ['ns/job1'] };
    },
  },
  ...(['pod', 'endpoints'] as const).map((what): Row => ({
    name: `endpoints: a vanished ${what} enqueues its service`,
    setup: () => {
      const [services, pods, endpoints] = [new FakeInformer<ApiService>(), new FakeInformer<ApiPod>(), new FakeInformer<ApiEndpoints>()];
      const c = newEndpointsController({ services, pods, endpoints, endpointsClient: { create: unused, update: unused, delete: unused }, log });
      services.seed({ apiVersion: 'v1', kind: 'Service', metadata: meta('svc1'), spec: { selector: { app: 'web' } } });
      const p = pod({ labels: { app: 'web' } });
      const ep: ApiEndpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('svc1') };
      pods.seed(p);
      endpoints.seed(ep);
      return { queue: c.queue, vanish: () => (what === 'pod' ? pods.vanish(p) : endpoints.vanish(ep)), want: ['ns/svc1'] };
    },
  })),
  {
    name: 'endpointslice: a vanished slice enqueues its service',
    setup: () => {
      const slices = new FakeInformer<ApiEndpointSlice>({ [serviceNameIndex]: serviceNameIndexFunc });
      const c = newEndpointSliceController({
        services: new FakeInformer<ApiService>(), pods: new FakeInformer<ApiPod>(), slices, sliceClient: { create: unused, update: unused, delete: unused }, log,
      });
      const s: ApiEndpointSlice = {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', endpoints: [],
        metadata: meta('svc1-abc', { labels: { [serviceNameLabel]: 'svc1', [managedByLabel]: controllerManagedBy } }),
      };
      slices.seed(s);
      return { queue: c.queue, vanish: () => slices.vanish(s), want: ['ns/svc1'] };
    },
  },
  {
    name: 'namespace: a vanished namespace enqueues its name',
    setup: () => {
      const namespaces = new FakeInformer<ApiObject>();
      const c = newNamespaceController({
        namespaces, log, namespaced: [],
        access: { getNamespace: unused, hasContent: unused, deleteCollection: unused, finalize: unused, deleteNamespace: unused },
      });
      const ns: ApiObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', uid: 'uid-ns1' } };
      namespaces.seed(ns);
      return { queue: c.queue, vanish: () => namespaces.vanish(ns), want: ['ns1'] };
    },
  },
  {
    name: 'serviceaccount: a vanished default ServiceAccount enqueues its namespace',
    setup: () => {
      const serviceAccounts = new FakeInformer<ApiObject>();
      const c = newServiceAccountController({ namespaces: new FakeInformer<ApiObject>(), serviceAccounts, saClient: { create: unused }, log });
      const sa: ApiObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default') };
      serviceAccounts.seed(sa);
      return { queue: c.queue, vanish: () => serviceAccounts.vanish(sa), want: ['ns'] };
    },
  },
  {
    name: 'garbagecollector: a vanished owner queues its dependents',
    setup: () => {
      const [pods, rss] = [new FakeInformer<ApiObject>(), new FakeInformer<ApiObject>()];
      const gc = newGarbageCollector({
        monitors: [{ info: findResource('', 'v1', 'pods') as ResourceInfo, informer: pods }, { info: findResource('apps', 'v1', 'replicasets') as ResourceInfo, informer: rss }],
        access: { get: unused, delete: unused, patch: unused }, log,
      });
      const rs: ApiObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs1') };
      rss.apply(rs);
      pods.apply({ apiVersion: 'v1', kind: 'Pod', metadata: meta('p1', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs1', uid: 'uid-rs1', controller: true }] }) });
      return { queue: gc.queue, vanish: () => rss.vanish(rs), want: ['uid-p1'] };
    },
  },
];

test.each(rows)('$name', async ({ setup }) => {
  const { queue, vanish, want } = setup();
  expect(await drain(queue)).toEqual([]);
  vanish();
  expect(await drain(queue)).toEqual(want);
  queue.shutDown();
});
