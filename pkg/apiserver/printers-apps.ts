// Printers of the workload kinds (printers.go: printDeployment, printReplicaSet, printDaemonSet,
// printStatefulSet, printControllerRevision, printJob, printCronJob).
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../../api/apps/v1';
import type { CronJob, Job, JobCondition } from '../../api/batch/v1';
import { labelSelectorToString } from '../apimachinery';
import { age, containerCells, formatLabels, formatLabelSelector, humanDuration, type Printer } from './printers-common';

const printDeployment: Printer = (obj, now) => {
  const d = obj as Deployment;
  return [
    obj.metadata.name ?? '', `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0,
    d.status?.availableReplicas ?? 0, age(obj.metadata.creationTimestamp, now), ...containerCells(d.spec?.template?.spec?.containers),
    d.spec?.selector ? labelSelectorToString(d.spec.selector) : '',
  ];
};

const printReplicaSet: Printer = (obj, now) => {
  const rs = obj as ReplicaSet;
  return [
    obj.metadata.name ?? '', rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0,
    age(obj.metadata.creationTimestamp, now), ...containerCells(rs.spec?.template?.spec?.containers), formatLabelSelector(rs.spec?.selector),
  ];
};

const printDaemonSet: Printer = (obj, now) => {
  const ds = obj as DaemonSet;
  const st = ds.status;
  return [
    obj.metadata.name ?? '', st?.desiredNumberScheduled ?? 0, st?.currentNumberScheduled ?? 0, st?.numberReady ?? 0,
    st?.updatedNumberScheduled ?? 0, st?.numberAvailable ?? 0, formatLabels(ds.spec?.template?.spec?.nodeSelector),
    age(obj.metadata.creationTimestamp, now), ...containerCells(ds.spec?.template?.spec?.containers), formatLabelSelector(ds.spec?.selector),
  ];
};

const printStatefulSet: Printer = (obj, now) => {
  const sts = obj as StatefulSet;
  return [
    obj.metadata.name ?? '', `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, age(obj.metadata.creationTimestamp, now),
    ...containerCells(sts.spec?.template?.spec?.containers),
  ];
};

/** `daemonset.apps/name` for the controlling owner (formatResourceName with kind), `<none>` without one. */
const printControllerRevision: Printer = (obj, now) => {
  const cr = obj as ControllerRevision;
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller);
  const group = owner?.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
  const controller = owner ? `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}` : '<none>';
  return [obj.metadata.name ?? '', controller, cr.revision, age(obj.metadata.creationTimestamp, now)];
};

const hasCondition = (conds: JobCondition[] | undefined, type: string): boolean =>
  conds?.some((c) => c.type === type && c.status === 'True') ?? false;

/** The STATUS of a job, in printJob's order of precedence. */
export const jobStatus = (job: Job): string => {
  const conds = job.status?.conditions;
  if (hasCondition(conds, 'Complete')) return 'Complete';
  if (hasCondition(conds, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(conds, 'Suspended')) return 'Suspended';
  if (hasCondition(conds, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(conds, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
};

const jobCompletions = (job: Job): string => {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
};

const jobDuration = (job: Job, now: Date): string => {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? new Date(job.status.completionTime) : now;
  return humanDuration(end.getTime() - new Date(start).getTime());
};

const printJob: Printer = (obj, now) => {
  const job = obj as Job;
  return [
    obj.metadata.name ?? '', jobStatus(job), jobCompletions(job), jobDuration(job, now), age(obj.metadata.creationTimestamp, now),
    ...containerCells(job.spec?.template?.spec?.containers), formatLabelSelector(job.spec?.selector),
  ];
};

const boolPtr = (v: boolean | undefined): string => (v === undefined ? '<unset>' : v ? 'True' : 'False');

const printCronJob: Printer = (obj, now) => {
  const cj = obj as CronJob;
  const last = cj.status?.lastScheduleTime ? age(cj.status.lastScheduleTime, now) : '<none>';
  const jobSpec = cj.spec?.jobTemplate?.spec;
  return [
    obj.metadata.name ?? '', cj.spec?.schedule ?? '', cj.spec?.timeZone ?? '<none>', boolPtr(cj.spec?.suspend), cj.status?.active?.length ?? 0,
    last, age(obj.metadata.creationTimestamp, now), ...containerCells(jobSpec?.template?.spec?.containers), formatLabelSelector(jobSpec?.selector),
  ];
};

export const workloadPrinters: Record<string, Printer> = {
  Deployment: printDeployment, ReplicaSet: printReplicaSet, DaemonSet: printDaemonSet, StatefulSet: printStatefulSet,
  ControllerRevision: printControllerRevision, Job: printJob, CronJob: printCronJob,
};
