// The controller-manager (k8s cmd/kube-controller-manager): one client, one shared informer per
// resource, every controller started on them, and /healthz + /metrics on its own port.
// Leader election as upstream: only the holder of the kube-system/kube-controller-manager Lease
// runs the informers and controllers; a lost Lease stops them and the process exits to restart.
import { setMaxListeners } from 'node:events';
import type { ApiObject } from '../../api/meta/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import {
  LeaderHealthzAdaptor, createClient, createEventRecorder, createInformer, loadKubeconfig, rateLimits, runLeaderElected,
  type Client, type Informer, type LeaderElectionConfig,
} from '../client';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { newLeaderElectionMetrics } from '../client/leader-election-metrics';
import { newControllerMetrics } from './metrics';
import { newReplicaSetController } from './replicaset/controller';
import { clientAccess, gcResources, newGarbageCollector, type Monitor } from './garbagecollector';
import { clientNamespaceAccess, newNamespaceController } from './namespace';
import type { ApiPod, ApiReplicaSet } from './replicaset/reconcile';
import type { ApiPodDisruptionBudget } from '../../api/policy/v1';
import { newDisruptionController } from './disruption';
import { newDeploymentController } from './deployment';
import type { ApiControllerRevision, ApiDaemonSet, ApiDeployment, ApiStatefulSet } from '../../api/apps/v1';
import type { ApiEndpoints, ApiNode, ApiPersistentVolumeClaim, ApiService } from '../../api/core/v1';
import type { ApiEndpointSlice } from '../../api/discovery/v1';
import { newEndpointsController } from './endpoints';
import { newJobController } from './job';
import { newCronJobController } from './cronjob';
import type { ApiCronJob, ApiJob } from '../../api/batch/v1';
import { newEndpointSliceController, serviceNameIndex, serviceNameIndexFunc } from './endpointslice';
import { newServiceAccountController } from './serviceaccount';
import { newDaemonSetController } from './daemonset';
import { newStatefulSetController } from './statefulset';
import { newRootCACertPublisher, rootCACertPublisherName, rootCAFromConfig } from './rootcacert';
import { newCSRSigningController, csrSigningControllerName } from './csrsigning';
import { loadSigningCA } from '../certificates/signer';
import { newClusterRoleAggregationController } from './clusterroleaggregation';
import { clientListObjects, newResourceQuotaController } from './resourcequota';

export interface ControllerManagerOptions {
  kubeconfig: string;
  healthPort: number;
  /** --leader-elect (default true) and its timings; the Lease is kube-system/kube-controller-manager. */
  leaderElection?: Omit<LeaderElectionConfig, 'name'>;
  /** Workers per controller (default 5, as upstream's --concurrent-replicaset-syncs). */
  workers?: number;
  /** Address of the health server (default 127.0.0.1). */
  healthHost?: string;
  /** --cluster-signing-cert-file and --cluster-signing-key-file: without them no CSR is signed. */
  clusterSigning?: { certFile: string; keyFile: string };
}

/** The CSR signer, when the manager was given the cluster CA's certificate and key. */
const csrSigningController = async (opts: ControllerManagerOptions, monitors: Array<Monitor & { informer: Informer<ApiObject> }>, client: Client, log: Logger,
  metrics: ReturnType<typeof newControllerMetrics>) => {
  if (!opts.clusterSigning) {
    log.info('not starting the CSR signer: no --cluster-signing-cert-file and --cluster-signing-key-file', { controller: csrSigningControllerName });
    return undefined;
  }
  const csrs = monitors.find((m) => m.info.group === 'certificates.k8s.io' && m.info.plural === 'certificatesigningrequests')?.informer;
  if (!csrs) throw new Error('certificatesigningrequests are not watched');
  const ca = await loadSigningCA(opts.clusterSigning.certFile, opts.clusterSigning.keyFile);
  return newCSRSigningController({ csrs, csrClient: client.resource(resource('certificates.k8s.io', 'v1', 'certificatesigningrequests')), ca, log, metrics });
};

const resource = (group: string, version: string, plural: string): ResourceInfo => {
  const info = findResource(group, version, plural);
  if (!info) throw new Error(`resource ${plural} is not in api/resources.ts`);
  return info;
};

/** One informer per resource the garbage collector watches, reusing the ones already made. */
const gcMonitors = (client: Client, shared: Record<string, Informer<ApiObject>>, log: Logger): Array<Monitor & { informer: Informer<ApiObject> }> =>
  gcResources().map((info) => ({
    info,
    informer: shared[`${info.group}/${info.plural}`] ?? createInformer(client.resource(info), { log }),
  }));

/** Runs until `signal` aborts; if one loop fails for good, stops the others and rethrows. */
export const runControllerManager = async (opts: ControllerManagerOptions, log: Logger, signal: AbortSignal): Promise<void> => {
  const config = loadKubeconfig({ path: opts.kubeconfig });
  const client = createClient({ ...rateLimits.controllerManager, ...config, userAgent: 'berth-controller-manager' });
  const registry = newRegistry('controller-manager');
  const metrics = newControllerMetrics(registry);
  const ac = new AbortController();
  // Every informer, queue and health loop listens on this one signal.
  setMaxListeners(0, ac.signal);
  const stop = () => ac.abort();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();

  const podClient = client.resource<ApiPod>(resource('', 'v1', 'pods'));
  const rsClient = client.resource<ApiReplicaSet>(resource('apps', 'v1', 'replicasets'));
  const pdbClient = client.resource<ApiPodDisruptionBudget>(resource('policy', 'v1', 'poddisruptionbudgets'));
  const deploymentClient = client.resource<ApiDeployment>(resource('apps', 'v1', 'deployments'));
  const endpointsClient = client.resource<ApiEndpoints>(resource('', 'v1', 'endpoints'));
  const jobClient = client.resource<ApiJob>(resource('batch', 'v1', 'jobs'));
  const cronJobClient = client.resource<ApiCronJob>(resource('batch', 'v1', 'cronjobs'));
  const sliceClient = client.resource<ApiEndpointSlice>(resource('discovery.k8s.io', 'v1', 'endpointslices'));
  const dsClient = client.resource<ApiDaemonSet>(resource('apps', 'v1', 'daemonsets'));
  const revisionClient = client.resource<ApiControllerRevision>(resource('apps', 'v1', 'controllerrevisions'));
  const stsClient = client.resource<ApiStatefulSet>(resource('apps', 'v1', 'statefulsets'));
  const claimClient = client.resource<ApiPersistentVolumeClaim>(resource('', 'v1', 'persistentvolumeclaims'));
  // Shared informers: one per resource, whatever the number of controllers reading them.
  const informers = {
    pods: createInformer(podClient, { log }),
    replicaSets: createInformer(rsClient, { log }),
    pdbs: createInformer(pdbClient, { log }),
    deployments: createInformer(deploymentClient, { log }),
    services: createInformer(client.resource<ApiService>(resource('', 'v1', 'services')), { log }),
    endpoints: createInformer(endpointsClient, { log }),
    jobs: createInformer(jobClient, { log }),
    cronJobs: createInformer(cronJobClient, { log }),
    slices: createInformer(sliceClient, { log, indexers: { [serviceNameIndex]: serviceNameIndexFunc } }),
    daemonSets: createInformer(dsClient, { log }),
    nodes: createInformer(client.resource<ApiNode>(resource('', 'v1', 'nodes')), { log }),
    revisions: createInformer(revisionClient, { log }),
    statefulSets: createInformer(stsClient, { log }),
    claims: createInformer(claimClient, { log }),
  };
  const replicaSet = newReplicaSetController({
    replicaSets: informers.replicaSets, pods: informers.pods, podClient, rsClient,
    recorder: createEventRecorder(client, 'replicaset-controller', log), log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(replicaSet);
  const disruption = newDisruptionController({ pdbs: informers.pdbs, pods: informers.pods, pdbClient, log, workers: opts.workers ?? 5, metrics });
  metrics.watchQueue(disruption);
  const deployment = newDeploymentController({
    deployments: informers.deployments, replicaSets: informers.replicaSets, pods: informers.pods, dClient: deploymentClient, rsClient,
    recorder: createEventRecorder(client, 'deployment-controller', log), log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(deployment);
  const endpoints = newEndpointsController({
    services: informers.services, pods: informers.pods, endpoints: informers.endpoints, endpointsClient, log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(endpoints);
  const endpointSlice = newEndpointSliceController({
    services: informers.services, pods: informers.pods, slices: informers.slices, sliceClient, log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(endpointSlice);
  const job = newJobController({
    jobs: informers.jobs, pods: informers.pods, podClient, jobClient,
    recorder: createEventRecorder(client, 'job-controller', log), log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(job);
  const cronJob = newCronJobController({
    cronJobs: informers.cronJobs, jobs: informers.jobs, jobClient, cronJobClient,
    recorder: createEventRecorder(client, 'cronjob-controller', log), log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(cronJob);
  const daemonSet = newDaemonSetController({
    daemonSets: informers.daemonSets, nodes: informers.nodes, pods: informers.pods, podClient, dsClient,
    revisions: informers.revisions, revisionClient,
    recorder: createEventRecorder(client, 'daemonset-controller', log), log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(daemonSet);
  const statefulSet = newStatefulSetController({
    statefulSets: informers.statefulSets, pods: informers.pods, claims: informers.claims, revisions: informers.revisions,
    podClient, claimClient, stsClient, revisionClient,
    recorder: createEventRecorder(client, 'statefulset-controller', log), log, workers: opts.workers ?? 5, metrics,
  });
  metrics.watchQueue(statefulSet);
  const shared: Record<string, Informer<ApiObject>> = {
    '/pods': informers.pods, 'apps/replicasets': informers.replicaSets, 'policy/poddisruptionbudgets': informers.pdbs, 'apps/deployments': informers.deployments,
    '/services': informers.services, '/endpoints': informers.endpoints, 'discovery.k8s.io/endpointslices': informers.slices,
    'batch/jobs': informers.jobs, 'batch/cronjobs': informers.cronJobs, 'apps/daemonsets': informers.daemonSets, '/nodes': informers.nodes,
    'apps/controllerrevisions': informers.revisions, 'apps/statefulsets': informers.statefulSets, '/persistentvolumeclaims': informers.claims,
  };
  const monitors = gcMonitors(client, shared, log);
  const garbageCollector = newGarbageCollector({ monitors, access: clientAccess(client), log, workers: opts.workers ?? 5, metrics });
  metrics.watchQueue(garbageCollector);
  const namespaceInformer = monitors.find((m) => m.info.group === '' && m.info.plural === 'namespaces')?.informer;
  if (!namespaceInformer) throw new Error('namespaces are not watched');
  const namespace = newNamespaceController({ namespaces: namespaceInformer, access: clientNamespaceAccess(client), log, metrics });
  metrics.watchQueue(namespace);
  const serviceAccountInformer = monitors.find((m) => m.info.group === '' && m.info.plural === 'serviceaccounts')?.informer;
  if (!serviceAccountInformer) throw new Error('serviceaccounts are not watched');
  const serviceAccount = newServiceAccountController({
    namespaces: namespaceInformer, serviceAccounts: serviceAccountInformer, saClient: client.resource(resource('', 'v1', 'serviceaccounts')), log, metrics,
  });
  metrics.watchQueue(serviceAccount);
  // The CA to publish in every namespace's kube-root-ca.crt is the one this process trusts the
  // apiserver with. Without one (a plain-http test apiserver) the publisher alone is not run.
  let rootCA: string | undefined;
  try {
    rootCA = rootCAFromConfig(config, opts.kubeconfig);
  } catch (err) {
    log.error('not starting the root CA publisher', { controller: rootCACertPublisherName, error: err });
  }
  const configMapInformer = monitors.find((m) => m.info.group === '' && m.info.plural === 'configmaps')?.informer;
  if (!configMapInformer) throw new Error('configmaps are not watched');
  const rootCACertPublisher = rootCA === undefined ? undefined : newRootCACertPublisher({
    namespaces: namespaceInformer, configMaps: configMapInformer, cmClient: client.resource(resource('', 'v1', 'configmaps')), rootCA, log, metrics,
  });
  if (rootCACertPublisher) metrics.watchQueue(rootCACertPublisher);
  const clusterRoleInformer = monitors.find((m) => m.info.group === 'rbac.authorization.k8s.io' && m.info.plural === 'clusterroles')?.informer;
  if (!clusterRoleInformer) throw new Error('clusterroles are not watched');
  const clusterRoleAggregation = newClusterRoleAggregationController({
    clusterRoles: clusterRoleInformer, clusterRoleClient: client.resource(resource('rbac.authorization.k8s.io', 'v1', 'clusterroles')), log, metrics,
  });
  metrics.watchQueue(clusterRoleAggregation);
  const quotaInformer = monitors.find((m) => m.info.group === '' && m.info.plural === 'resourcequotas')?.informer;
  if (!quotaInformer) throw new Error('resourcequotas are not watched');
  // The garbage collector's informers cover every namespaced resource: they are the quota monitors.
  const resourceQuota = newResourceQuotaController({
    quotas: quotaInformer,
    monitors: monitors.filter((m) => m.info.namespaced).map((m) => ({ group: m.info.group, resource: m.info.plural, informer: m.informer })),
    quotaClient: client.resource(resource('', 'v1', 'resourcequotas')), listFallback: clientListObjects(client), log, metrics, workers: opts.workers ?? 5,
  });
  metrics.watchQueue(resourceQuota);
  const csrSigning = await csrSigningController(opts, monitors, client, log, metrics);
  if (csrSigning) metrics.watchQueue(csrSigning);
  const extraInformers = monitors.filter((m) => !Object.values(shared).includes(m.informer));

  let failure: unknown;
  const leaderHealth = new LeaderHealthzAdaptor(20_000); // kube-controller-manager's tolerance
  const port = await serveHealth({
    port: opts.healthPort, host: opts.healthHost, registry, log,
    check: () => (failure === undefined ? leaderHealth.check() : `a control loop failed: ${String(failure)}`),
  }, ac.signal);
  log.info('controller-manager started', { server: config.server, port, controllers: [replicaSet.name, deployment.name, daemonSet.name, statefulSet.name, endpoints.name, endpointSlice.name, job.name, cronJob.name, disruption.name, garbageCollector.name, namespace.name, serviceAccount.name, clusterRoleAggregation.name, resourceQuota.name, rootCACertPublisher?.name, csrSigning?.name].filter(Boolean).join(','), leaderElection: opts.leaderElection?.enabled !== false });
  const supervise = (name: string, p: Promise<void>) => p.catch((err: unknown) => {
    log.error('loop failed, stopping', { loop: name, error: err });
    failure ??= err;
    stop();
  });
  const runControllers = async (leading: AbortSignal) => {
    leading.addEventListener('abort', stop, { once: true }); // leadership lost: stop every loop
    await Promise.all([
      supervise('informer/pods', informers.pods.run(ac.signal)),
      supervise('informer/replicasets', informers.replicaSets.run(ac.signal)),
      supervise('informer/poddisruptionbudgets', informers.pdbs.run(ac.signal)),
      supervise('informer/deployments', informers.deployments.run(ac.signal)),
      supervise('informer/services', informers.services.run(ac.signal)),
      supervise('informer/endpoints', informers.endpoints.run(ac.signal)),
      supervise('informer/endpointslices', informers.slices.run(ac.signal)),
      supervise('informer/jobs', informers.jobs.run(ac.signal)),
      supervise('informer/cronjobs', informers.cronJobs.run(ac.signal)),
      supervise('informer/daemonsets', informers.daemonSets.run(ac.signal)),
      supervise('informer/nodes', informers.nodes.run(ac.signal)),
      supervise('informer/controllerrevisions', informers.revisions.run(ac.signal)),
      supervise('informer/statefulsets', informers.statefulSets.run(ac.signal)),
      supervise('informer/persistentvolumeclaims', informers.claims.run(ac.signal)),
      ...extraInformers.map((m) => supervise(`informer/${m.info.plural}`, m.informer.run(ac.signal))),
      supervise(replicaSet.name, replicaSet.run(ac.signal)),
      supervise(deployment.name, deployment.run(ac.signal)),
      supervise(endpoints.name, endpoints.run(ac.signal)),
      supervise(endpointSlice.name, endpointSlice.run(ac.signal)),
      supervise(job.name, job.run(ac.signal)),
      supervise(cronJob.name, cronJob.run(ac.signal)),
      supervise(daemonSet.name, daemonSet.run(ac.signal)),
      supervise(statefulSet.name, statefulSet.run(ac.signal)),
      supervise(disruption.name, disruption.run(ac.signal)),
      supervise(garbageCollector.name, garbageCollector.run(ac.signal)),
      supervise(namespace.name, namespace.run(ac.signal)),
      supervise(serviceAccount.name, serviceAccount.run(ac.signal)),
      supervise(clusterRoleAggregation.name, clusterRoleAggregation.run(ac.signal)),
      supervise(resourceQuota.name, resourceQuota.run(ac.signal)),
      ...(rootCACertPublisher ? [supervise(rootCACertPublisher.name, rootCACertPublisher.run(ac.signal))] : []),
      ...(csrSigning ? [supervise(csrSigning.name, csrSigning.run(ac.signal))] : []),
    ]);
  };
  try {
    await runLeaderElected({
      ...opts.leaderElection, name: 'kube-controller-manager', client, log, healthz: leaderHealth, metrics: newLeaderElectionMetrics(registry),
    }, ac.signal, runControllers);
  } finally {
    stop();
    signal.removeEventListener('abort', stop);
    client.close();
  }
  log.info('controller-manager stopped');
  if (failure !== undefined) throw failure;
};
