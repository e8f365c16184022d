// pods/eviction (k8s pkg/registry/core/pod/storage/eviction.go): a DELETE that honours the
// PodDisruptionBudget covering the pod. The budget's status.disruptionsAllowed is spent with a
// resourceVersion-checked status write (retried on conflict) before the pod is deleted, and the
// pod is recorded in status.disruptedPods so the disruption controller does not count it healthy
// while it terminates.
import type { Request, Response } from 'express';
import type { ApiPod } from '../../../api/core/v1';
import type { ApiObject, DeleteOptions, StatusCause } from '../../../api/meta/v1';
import type { ApiPodDisruptionBudget, Eviction } from '../../../api/policy/v1';
import { StatusError, badRequest, internal, isConflict, selectorFromLabelSelector } from '../../apimachinery';
import { objectKey, resourcePrefix } from '../../storage';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { parseBody } from './body';
import { keyOf, queryOf } from './common';
import { deleteObject } from './delete';
import { deleteOptionsOf, isDryRunDelete } from './delete-options';
import { rfc3339, sendJson } from './respond';

export const tooManyPdbsMessage = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
export const violationMessage = "Cannot evict pod as it would violate the pod's disruption budget.";
/** EvictionsRetry: attempts of the read-decide-write loop before a conflict is returned. */
const maxAttempts = 20;

const tooManyRequests = (cause: StatusCause): StatusError => new StatusError({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: violationMessage,
  reason: 'TooManyRequests', code: 429, details: { causes: [cause] },
});

const isReady = (pod: ApiPod): boolean => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** canIgnorePDB: terminal, pending or already terminating pods are deleted without a budget. */
export const canIgnorePdb = (pod: ApiPod): boolean =>
  Boolean(pod.metadata.deletionTimestamp) || ['Succeeded', 'Failed', 'Pending'].includes(pod.status?.phase ?? '');

/** The budgets whose selector matches the pod; a nil or empty selector matches nothing here (upstream). */
export const matchingPdbs = (pod: ApiPod, pdbs: ApiPodDisruptionBudget[]): ApiPodDisruptionBudget[] => pdbs.filter((pdb) => {
  const sel = pdb.spec?.selector;
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false;
  return selectorFromLabelSelector(sel).matches(pod.metadata.labels ?? {});
});

export type EvictionDecision =
  | { action: 'delete'; pinPod: boolean }
  | { action: 'decrement'; pdb: ApiPodDisruptionBudget }
  | { action: 'reject'; error: StatusError };

const withDisruptionCondition = (pdb: ApiPodDisruptionBudget, allowed: number, now: Date): ApiPodDisruptionBudget['status'] => {
  const status = { ...pdb.status, disruptionsAllowed: allowed };
  if (allowed > 0) return status;
  // UpdateDisruptionAllowedCondition: the budget is spent until the controller recomputes it.
  const prev = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const cond = {
    type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: pdb.status?.observedGeneration,
    lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now),
  };
  return { ...status, conditions: [...(pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), cond] };
};

/** What evicting `pod` under its only budget `pdb` does (pure): eviction.go Create + checkAndDecrement. */
export const decideEviction = (pod: ApiPod, pdb: ApiPodDisruptionBudget, dryRun: boolean, now: Date): EvictionDecision => {
  const s = pdb.status ?? {};
  if (!isReady(pod)) {
    if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { action: 'delete', pinPod: true };
    if ((s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0) && (s.desiredHealthy ?? 0) > 0) return { action: 'delete', pinPod: true };
  }
  const name = pdb.metadata.name ?? '';
  if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    return { action: 'reject', error: tooManyRequests({ reason: 'DisruptionBudget', message: `The disruption budget ${name} is still being processed by the server.` }) };
  }
  const allowed = s.disruptionsAllowed ?? 0;
  if (allowed < 0) return { action: 'reject', error: new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403, message: 'pdb disruptions allowed is negative' }) };
  if (allowed === 0) {
    return { action: 'reject', error: tooManyRequests({ reason: 'DisruptionBudget', message: `The disruption budget ${name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently` }) };
  }
  const status = withDisruptionCondition(pdb, allowed - 1, now);
  const disruptedPods = dryRun ? status?.disruptedPods : { ...status?.disruptedPods, [pod.metadata.name ?? '']: rfc3339(now) };
  return { action: 'decrement', pdb: { ...pdb, status: { ...status, ...(disruptedPods ? { disruptedPods } : {}) } } };
};

/** The DeleteOptions inside the Eviction, merged with the request's query (dryRun). */
const evictionDeleteOptions = (ev: Eviction | undefined, req: Request): DeleteOptions => {
  const inner = ev?.deleteOptions ? { ...ev.deleteOptions } : undefined;
  if (inner) { delete inner.kind; delete inner.apiVersion; }
  return deleteOptionsOf(inner, queryOf(req));
};

const podPdbs = async (ctx: HandlerContext, pod: ApiPod): Promise<ApiPodDisruptionBudget[]> => {
  const list = await ctx.store.list(resourcePrefix('poddisruptionbudgets', pod.metadata.namespace));
  return matchingPdbs(pod, list.items as ApiPodDisruptionBudget[]);
};

/** Spends the budget (or not) and returns the options the pod's delete uses; throws the 429/500. */
const admitEviction = async (ctx: HandlerContext, ri: RequestInfo, opts: DeleteOptions): Promise<DeleteOptions> => {
  const dryRun = isDryRunDelete(opts);
  for (let attempt = 1; ; attempt++) {
    const pod = (await ctx.store.get(keyOf(ri))) as ApiPod;
    if (canIgnorePdb(pod)) return opts;
    const pdbs = await podPdbs(ctx, pod);
    if (pdbs.length === 0) return opts;
    if (pdbs.length > 1) throw internal(new Error(tooManyPdbsMessage));
    const decision = decideEviction(pod, pdbs[0], dryRun, ctx.now());
    if (decision.action === 'reject') throw decision.error;
    // A pod not ready must still be the pod we looked at when it is deleted (updateDeletionOptions).
    if (decision.action === 'delete') return decision.pinPod && !opts.preconditions?.resourceVersion ? { ...opts, preconditions: { ...opts.preconditions, resourceVersion: pod.metadata.resourceVersion } } : opts;
    if (dryRun) return opts;
    const key = objectKey('poddisruptionbudgets', pdbs[0].metadata.namespace, pdbs[0].metadata.name ?? '');
    try {
      await ctx.store.guaranteedUpdate(key, () => decision.pdb as ApiObject, { resourceVersion: pdbs[0].metadata.resourceVersion });
      ctx.log.v(2, 'eviction spent a disruption', { namespace: ri.namespace, pod: ri.name, pdb: pdbs[0].metadata.name });
      return opts;
    } catch (err) {
      if (!isConflict(err) || attempt >= maxAttempts) throw err;
      ctx.log.v(4, 'disruption budget changed during eviction, deciding again', { pod: ri.name, attempt });
    }
  }
};

export const handleEviction = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const ev = parseBody(req) as Eviction | undefined;
  if (ev?.metadata?.name && ev.metadata.name !== ri.name) throw badRequest('name in URL does not match name in Eviction object');
  const opts = await admitEviction(ctx, ri, evictionDeleteOptions(ev, req));
  const result = await deleteObject(ctx, { ...ri, subresource: '' }, opts);
  ctx.log.v(2, 'evicted pod', { namespace: ri.namespace, name: ri.name, deleted: result.deleted, dryRun: isDryRunDelete(opts) });
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
};
