// Applying a Job plan (k8s job_controller.go manageJob + updateJobStatus): pods created from the
// template with the job as controller owner (and, for Indexed jobs, their completion index in an
// annotation, a label, JOB_COMPLETION_INDEX and the hostname), surplus pods deleted, events
// recorded, status written with the cached resourceVersion so that a concurrent change requeues.
import type { ApiJob } from '../../../api/batch/v1';
import type { ApiPod, Container } from '../../../api/core/v1';
import { isNotFound } from '../../apimachinery/errors';
import {
  newControllerRef, metaNamespaceKey, namespaceIndex, splitMetaNamespaceKey,
  type Clock, type EventRecorder, type Informer, type ReconcileResult, type ResourceClient, type UIDTrackingControllerExpectations,
} from '../../client';
import type { Logger } from '../../log';
import { isControlledBy } from '../replicaset/reconcile';
import { slowStartBatch } from '../slow-start-batch';
import { isJobFinished, planJob, type JobPlan } from './plan';
import { completionIndexAnnotation } from './pods';

export interface JobDeps {
  jobs: Pick<Informer<ApiJob>, 'get'>;
  pods: Pick<Informer<ApiPod>, 'byIndex'>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  jobClient: Pick<ResourceClient<ApiJob>, 'updateStatus' | 'delete'>;
  expectations: UIDTrackingControllerExpectations;
  recorder: EventRecorder;
  log: Logger;
  clock: Clock;
  backoffBaseMs?: number;
}

const withIndexEnv = (c: Container): Container => ({
  ...c, env: [...(c.env ?? []).filter((e) => e.name !== 'JOB_COMPLETION_INDEX'),
    { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexAnnotation}']` } } }],
});

/** The pod the job's template describes (GetPodFromTemplate + addCompletionIndexEnvVariables). */
export const podForJob = (job: ApiJob, index: number | null): ApiPod => {
  const t = structuredClone(job.spec?.template ?? {});
  const name = job.metadata.name ?? '';
  const pod: ApiPod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: index === null ? `${name}-` : `${name}-${index}-`, namespace: job.metadata.namespace,
      labels: t.metadata?.labels, annotations: t.metadata?.annotations, finalizers: t.metadata?.finalizers,
      ownerReferences: [newControllerRef(job, 'batch/v1', 'Job')],
    },
    spec: t.spec,
  };
  if (index !== null && pod.spec) {
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [completionIndexAnnotation]: String(index) };
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [completionIndexAnnotation]: String(index) };
    pod.spec = {
      ...pod.spec, hostname: pod.spec.hostname ?? `${name}-${index}`,
      containers: pod.spec.containers.map(withIndexEnv), initContainers: pod.spec.initContainers?.map(withIndexEnv),
    };
    if (!pod.spec.initContainers) delete pod.spec.initContainers;
  }
  return pod;
};

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

const createPods = async (key: string, job: ApiJob, indexes: Array<number | null>, d: JobDeps): Promise<void> => {
  d.expectations.expectCreations(key, indexes.length);
  let next = 0;
  const { successes, error } = await slowStartBatch(indexes.length, 1, async () => {
    const index = indexes[next++] ?? null;
    try {
      const pod = await d.podClient.create(job.metadata.namespace ?? '', podForJob(job, index));
      d.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (err) {
      d.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  });
  if (indexes.length - successes > 0) d.expectations.lower(key, indexes.length - successes, 0);
  if (error !== undefined) throw error;
};

const deletePods = async (key: string, job: ApiJob, pods: ApiPod[], d: JobDeps): Promise<void> => {
  d.expectations.expectDeletionsOf(key, pods.map(metaNamespaceKey));
  const results = await Promise.allSettled(pods.map(async (pod) => {
    try {
      await d.podClient.delete(pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } });
      d.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      d.expectations.deletionObservedOf(key, metaNamespaceKey(pod));
      if (!isNotFound(err)) throw err;
    }
  }));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
};

const writeStatus = async (job: ApiJob, plan: JobPlan, d: JobDeps): Promise<void> => {
  if (JSON.stringify(job.status ?? {}) === JSON.stringify(plan.status)) return;
  try {
    await d.jobClient.updateStatus(job.metadata.namespace ?? '', { ...job, status: plan.status });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return;
  }
  for (const e of plan.events) d.recorder.event(job, e.type, e.reason, e.message);
};

/** When a finished job finished: its completionTime, else its terminal condition's transition. */
const finishedAt = (job: ApiJob): number => {
  const cond = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return Date.parse(job.status?.completionTime ?? cond?.lastTransitionTime ?? '');
};

/**
 * ttlSecondsAfterFinished (k8s ttlafterfinished_controller.go, folded in here): a finished job
 * whose time is up is deleted in the background, its pods after it; otherwise, the wait left.
 */
const expireFinished = async (job: ApiJob, d: JobDeps): Promise<ReconcileResult | 'deleted'> => {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  const at = finishedAt(job);
  if (ttl === undefined || !isJobFinished(job) || !Number.isFinite(at)) return undefined;
  const left = at + ttl * 1000 - d.clock.now();
  if (left > 0) return { requeueAfterMs: left };
  try {
    await d.jobClient.delete(job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return 'deleted';
};

export const reconcileJob = async (key: string, d: JobDeps): Promise<ReconcileResult> => {
  const { namespace } = splitMetaNamespaceKey(key);
  const job = d.jobs.get(key);
  // The pods of a deleted job are the garbage collector's (ownerReferences).
  if (!job) { d.expectations.delete(key); return; }
  const expiry = await expireFinished(job, d);
  if (expiry === 'deleted') return;
  const pods = d.pods.byIndex(namespaceIndex, namespace).filter((p) => isControlledBy(p, job));
  const plan = planJob(job, pods, d.clock.now(), d.backoffBaseMs);
  // Until the cache has seen our last creates and deletes, only status is safe to act on.
  if (d.expectations.satisfied(key)) {
    if (plan.delete.length) await deletePods(key, job, plan.delete, d);
    if (plan.create.length) {
      d.log.v(2, 'too few pods, creating', { job: key, creating: plan.create.length });
      await createPods(key, job, plan.create, d);
    }
  } else {
    plan.events = [];
    if (plan.status.conditions?.some((c) => c.type === 'Complete' || c.type === 'Failed')) return { requeueAfterMs: 100 };
  }
  await writeStatus(job, plan, d);
  if (expiry) return expiry;
  return plan.requeueAfterMs !== undefined ? { requeueAfterMs: Math.max(1, plan.requeueAfterMs) } : undefined;
};
