import type { ApiObject, DeleteOptions } from '../../../api/meta/v1';
import { findResource, type ResourceInfo } from '../../../api/resources';
import { StatusError } from '../../apimachinery/errors';
import { gracePlan, planDelete } from './delete';
import { deleteOptionsOf, deletionFinalizers, effectivePolicy, checkDeletePreconditions, shouldDeleteDuringUpdate } from './delete-options';

const info = (plural: string): ResourceInfo => {
  const r = findResource(plural === 'replicasets' ? 'apps' : '', 'v1', plural);
  if (!r) throw new Error(plural);
  return r;
};
const now = new Date('2025-01-01T00:00:00Z');
const obj = (meta: ApiObject['metadata'] = {}, extra: Record<string, unknown> = {}): ApiObject =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', ...meta }, ...extra });
const pod = (meta: ApiObject['metadata'] = {}, nodeName?: string): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1', ...meta }, spec: { nodeName, containers: [] } });

describe('deleteOptionsOf', () => {
  test.each<[string, unknown, Record<string, unknown>, DeleteOptions | string]>([
    ['empty', undefined, {}, {}],
    ['kubectl body', { propagationPolicy: 'Background' }, {}, { propagationPolicy: 'Background' }],
    ['prune body with kind', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }, {}, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }],
    ['query overrides', { gracePeriodSeconds: 30 }, { gracePeriodSeconds: '0', dryRun: 'All' }, { gracePeriodSeconds: 0, dryRun: ['All'] }],
    ['negative grace means 1', { gracePeriodSeconds: -5 }, {}, { gracePeriodSeconds: 1 }],
    ['query orphanDependents', undefined, { orphanDependents: 'true' }, { orphanDependents: true }],
    ['unknown policy', { propagationPolicy: 'Sideways' }, {}, 'Unsupported value: "Sideways"'],
    ['both orphanDependents and policy', { propagationPolicy: 'Orphan', orphanDependents: true }, {}, 'cannot be both set'],
    ['bad dryRun', { dryRun: ['Some'] }, {}, 'Unsupported value: "Some"'],
    ['wrong kind', { kind: 'Pod' }, {}, 'must be a DeleteOptions'],
    ['bad grace', undefined, { gracePeriodSeconds: 'soon' }, 'invalid value for gracePeriodSeconds'],
  ])('%s', (_name, body, q, want) => {
    if (typeof want === 'string') expect(() => deleteOptionsOf(body, q)).toThrow(want);
    else expect(deleteOptionsOf(body, q)).toEqual(want);
  });
});

describe('propagation policy and GC finalizers', () => {
  test.each<[string, string[] | undefined, DeleteOptions, string, string[] | undefined]>([
    ['default is Background', undefined, {}, 'Background', undefined],
    ['Orphan adds orphan', undefined, { propagationPolicy: 'Orphan' }, 'Orphan', ['orphan']],
    ['Foreground adds foregroundDeletion', ['x'], { propagationPolicy: 'Foreground' }, 'Foreground', ['x', 'foregroundDeletion']],
    ['legacy orphanDependents=true', undefined, { orphanDependents: true }, 'Orphan', ['orphan']],
    ['legacy orphanDependents=false', ['orphan'], { orphanDependents: false }, 'Background', []],
    ['existing finalizer decides without options', ['foregroundDeletion'], {}, 'Foreground', undefined],
    ['Background removes both', ['orphan', 'a'], { propagationPolicy: 'Background' }, 'Background', ['a']],
  ])('%s', (_n, finalizers, opts, policy, want) => {
    const o = obj({ finalizers });
    expect(effectivePolicy(o, opts)).toBe(policy);
    const r = deletionFinalizers(o, opts);
    expect(r.changed).toBe(want !== undefined);
    if (want) expect(r.finalizers).toEqual(want);
  });
});

describe('preconditions', () => {
  test.each<[string, DeleteOptions, string | undefined]>([
    ['none', {}, undefined],
    ['matching uid and rv', { preconditions: { uid: 'u1', resourceVersion: '5' } }, undefined],
    ['uid mismatch', { preconditions: { uid: 'u2' } }, 'the UID in the precondition (u2) does not match the UID in record (u1)'],
    ['rv mismatch', { preconditions: { resourceVersion: '4' } }, 'the ResourceVersion in the precondition (4) does not match'],
  ])('%s', (_n, opts, err) => {
    const run = () => checkDeletePreconditions(info('replicasets'), obj(), opts);
    if (!err) { expect(run).not.toThrow(); return; }
    expect(run).toThrow(err);
    try { run(); } catch (e) { expect((e as StatusError).code).toBe(409); }
  });
});

describe('planDelete', () => {
  test.each<[string, ResourceInfo, ApiObject, DeleteOptions, string, Partial<ApiObject['metadata']>]>([
    ['plain object goes at once', info('replicasets'), obj(), {}, 'delete', {}],
    ['finalizers keep it, grace 0', info('replicasets'), obj({ finalizers: ['a'] }), {}, 'update',
      { finalizers: ['a'], deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 }],
    ['Orphan marks it', info('replicasets'), obj(), { propagationPolicy: 'Orphan' }, 'update',
      { finalizers: ['orphan'], deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 }],
    ['Foreground marks it', info('replicasets'), obj(), { propagationPolicy: 'Foreground' }, 'update', { finalizers: ['foregroundDeletion'] }],
    ['Background on a Foreground-pending object removes it', info('replicasets'),
      obj({ finalizers: ['foregroundDeletion'], deletionTimestamp: '2024-12-31T00:00:00Z', deletionGracePeriodSeconds: 0 }), { propagationPolicy: 'Background' }, 'delete', {}],
    ['deleting again keeps the first deletionTimestamp', info('replicasets'),
      obj({ finalizers: ['a'], deletionTimestamp: '2024-12-31T00:00:00Z', deletionGracePeriodSeconds: 0 }), {}, 'update', { deletionTimestamp: '2024-12-31T00:00:00Z' }],
    ['unbound pod goes at once', info('pods'), pod(), {}, 'delete', {}],
    ['bound pod is graceful (30s default)', info('pods'), pod({}, 'n1'), {}, 'update',
      { deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }],
    ['bound pod with grace 0 (--force) goes at once', info('pods'), pod({}, 'n1'), { gracePeriodSeconds: 0 }, 'delete', {}],
    ['terminating pod: the same grace again changes nothing', info('pods'),
      pod({ deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }, 'n1'), {}, 'keep', {}],
    ['terminating pod: the agent deletes with grace 0', info('pods'),
      pod({ deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }, 'n1'), { gracePeriodSeconds: 0 }, 'delete', {}],
    ['terminating pod with a finalizer: grace 0 keeps it', info('pods'),
      pod({ deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30, finalizers: ['f'] }, 'n1'), { gracePeriodSeconds: 0 }, 'update',
      { deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 0 }],
    ['terminating pod: a shorter grace period moves the timestamp', info('pods'),
      pod({ deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }, 'n1'), { gracePeriodSeconds: 10 }, 'update',
      { deletionTimestamp: '2025-01-01T00:00:10Z', deletionGracePeriodSeconds: 10 }],
  ])('%s', (_n, ri, cur, opts, action, meta) => {
    const plan = planDelete(ri, cur, opts, now);
    expect(plan.action).toBe(action);
    if (plan.action === 'update' && meta) expect(plan.obj.metadata).toMatchObject(meta);
  });

  test('gracePlan of a non-pod is never graceful', () => {
    expect(gracePlan(info('replicasets'), obj(), { gracePeriodSeconds: 30 }, now)).toEqual({ graceful: false, pending: false });
  });
});

describe('shouldDeleteDuringUpdate', () => {
  const deleting = { deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 };
  test.each<[string, ApiObject, boolean, boolean]>([
    ['last finalizer removed from a deleting object', obj(deleting), true, true],
    ['finalizers remain', obj({ ...deleting, finalizers: ['a'] }), true, false],
    ['had none before', obj(deleting), false, false],
    ['not being deleted', obj(), true, false],
    ['graceful pod still in its grace period', pod({ deletionTimestamp: 'x', deletionGracePeriodSeconds: 30 }), true, false],
    ['namespace with spec.finalizers', { ...obj(deleting), kind: 'Namespace', spec: { finalizers: ['kubernetes'] } }, true, false],
  ])('%s', (_n, next, had, want) => {
    expect(shouldDeleteDuringUpdate(next, had)).toBe(want);
  });
});
