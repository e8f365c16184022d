import type { ApiObject } from '../../../api/meta/v1';
import type { PolicyRule } from '../../../api/rbac/v1';
import { conflict, notFound } from '../../apimachinery/errors';
import { TerminalError } from '../../client';
import { FakeClock, waitFor } from '../../client/fake-clock';
import { FakeInformer } from '../../client/fake-informer';
import { createLogger, silentLogger } from '../../log';
import { aggregatedRules, newClusterRoleAggregationController, planAggregation, reconcileClusterRoleAggregation, sameRule } from './controller';

const toView = 'rbac.authorization.k8s.io/aggregate-to-view';
const toEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
const toAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
const gr = { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' };

const read = (...resources: string[]): PolicyRule => ({ apiGroups: [''], resources, verbs: ['get', 'list', 'watch'] });
const writeTo = (...resources: string[]): PolicyRule => ({ apiGroups: [''], resources, verbs: ['create', 'update'] });

interface RoleOpts { labels?: Record<string, string>; rules?: PolicyRule[]; selects?: string[]; selectors?: unknown[] }
const role = (name: string, o: RoleOpts = {}): ApiObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
  metadata: { name, resourceVersion: '3', ...(o.labels ? { labels: o.labels } : {}) },
  ...(o.selects || o.selectors
    ? { aggregationRule: { clusterRoleSelectors: o.selectors ?? (o.selects ?? []).map((l) => ({ matchLabels: { [l]: 'true' } })) } }
    : {}),
  ...(o.rules ? { rules: o.rules } : {}),
});

const setup = (roles: ApiObject[], fail?: () => unknown) => {
  const informer = new FakeInformer<ApiObject>();
  informer.seed(...roles);
  const updates: ApiObject[] = [];
  const clusterRoleClient = {
    update: async (namespace: string, obj: ApiObject) => {
      expect(namespace).toBe('');
      const err = fail?.();
      if (err) throw err;
      updates.push(obj);
      return obj;
    },
  };
  return { deps: { clusterRoles: informer, clusterRoleClient, log: silentLogger() }, informer, updates };
};

describe('aggregatedRules', () => {
  test('the union of the matching roles, sorted by name, without duplicates or the role itself', () => {
    const view = role('view', { selects: [toView], labels: { [toView]: 'true' }, rules: [read('stale')] });
    const all = [
      view,
      role('z-extra', { labels: { [toView]: 'true' }, rules: [read('widgets'), read('pods')] }),
      role('a-pods', { labels: { [toView]: 'true' }, rules: [read('pods'), read('services')] }),
      role('unlabelled', { rules: [read('secrets')] }),
      role('false', { labels: { [toView]: 'false' }, rules: [read('nodes')] }),
    ];
    expect(aggregatedRules(view, all)).toEqual([read('pods'), read('services'), read('widgets')]);
  });

  test('selectors are taken in turn; a rule matched twice appears once', () => {
    const admin = role('admin', { selects: [toAdmin, toEdit] });
    const all = [
      admin,
      role('b', { labels: { [toEdit]: 'true', [toAdmin]: 'true' }, rules: [writeTo('pods')] }),
      role('a', { labels: { [toEdit]: 'true' }, rules: [read('pods')] }),
      role('c', { labels: { [toAdmin]: 'true' }, rules: [read('roles')] }),
    ];
    expect(aggregatedRules(admin, all)).toEqual([writeTo('pods'), read('roles'), read('pods')]);
  });

  test('matchExpressions, and an empty selector selecting every role', () => {
    const expr = role('expr', { selectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }] });
    const every = role('every', { selectors: [{}] });
    const all = [expr, every, role('x', { labels: { tier: 'x' }, rules: [read('a')] }), role('y', { rules: [read('b')] })];
    expect(aggregatedRules(expr, all)).toEqual([read('a')]);
    expect(aggregatedRules(every, all)).toEqual([read('a'), read('b')]);
  });

  test('sameRule: order matters within a list, an absent list equals an empty one', () => {
    expect(sameRule({ verbs: ['get'], resourceNames: [] }, { verbs: ['get'] })).toBe(true);
    expect(sameRule({ verbs: ['get', 'list'] }, { verbs: ['list', 'get'] })).toBe(false);
  });
});

describe('planAggregation', () => {
  test.each([
    { name: 'a role without an aggregationRule', role: role('plain', { rules: [read('pods')] }) },
    { name: 'a role already holding the union', role: role('view', { selects: [toView], rules: [read('pods')] }) },
    { name: 'nothing matched and no rules (absent equals empty)', role: role('empty', { selects: ['nothing'] }) },
  ])('$name needs no update', ({ role: r }) => {
    expect(planAggregation(r, [r, role('p', { labels: { [toView]: 'true' }, rules: [read('pods')] })])).toBeUndefined();
  });

  test('does not touch the cached objects', () => {
    const view = role('view', { selects: [toView] });
    const source = role('p', { labels: { [toView]: 'true' }, rules: [read('pods')] });
    const before = structuredClone([view, source]);
    const update = planAggregation(view, [view, source]);
    expect(update).toEqual({ ...view, rules: [read('pods')] });
    expect([view, source]).toEqual(before);
  });
});

describe('reconcileClusterRoleAggregation', () => {
  test('writes the union through the client, with the cached resourceVersion', async () => {
    const { deps, updates } = setup([
      role('view', { selects: [toView], rules: [read('gone')] }),
      role('system:aggregate-to-view', { labels: { [toView]: 'true' }, rules: [read('pods')] }),
    ]);
    await expect(reconcileClusterRoleAggregation('view', deps)).resolves.toBeUndefined();
    expect(updates).toEqual([role('view', { selects: [toView], rules: [read('pods')] })]);
  });

  test.each([
    { name: 'a role gone from the cache', roles: [] },
    { name: 'a role in sync', roles: [role('view', { selects: [toView] })] },
    { name: 'a role that does not aggregate', roles: [role('view', { rules: [read('x')] })] },
  ])('$name: no write', async ({ roles }) => {
    const { deps, updates } = setup(roles);
    await reconcileClusterRoleAggregation('view', deps);
    expect(updates).toEqual([]);
  });

  test('NotFound (deleted meanwhile) is not an error; Conflict is thrown for a retry', async () => {
    const roles = [role('view', { selects: [toView] }), role('p', { labels: { [toView]: 'true' }, rules: [read('pods')] })];
    await expect(reconcileClusterRoleAggregation('view', setup(roles, () => notFound(gr, 'view')).deps)).resolves.toBeUndefined();
    await expect(reconcileClusterRoleAggregation('view', setup(roles, () => conflict(gr, 'view', 'modified')).deps)).rejects.toThrow('modified');
  });

  test('a selector that cannot be parsed is terminal', async () => {
    const { deps } = setup([role('bad', { selectors: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }] })]);
    await expect(reconcileClusterRoleAggregation('bad', deps)).rejects.toBeInstanceOf(TerminalError);
  });
});

describe('newClusterRoleAggregationController', () => {
  const drain = async (ctrl: ReturnType<typeof newClusterRoleAggregationController>) => {
    const keys: string[] = [];
    while (ctrl.queue.len() > 0) {
      const key = await ctrl.queue.get();
      if (key !== undefined) { keys.push(key); ctrl.queue.done(key); }
    }
    return keys.sort();
  };

  test('any ClusterRole change enqueues every aggregating ClusterRole', async () => {
    const f = setup([role('admin', { selects: [toAdmin] }), role('view', { selects: [toView] }), role('other', { rules: [read('x')] })]);
    const ctrl = newClusterRoleAggregationController({ ...f.deps, clock: new FakeClock() }); // not run: keys stay queued
    f.informer.apply(role('unrelated', { rules: [read('y')] }));
    // The runner also queues the changed role itself; its reconcile finds nothing to do.
    expect(await drain(ctrl)).toEqual(['admin', 'unrelated', 'view']);
    f.informer.apply(role('other', { rules: [read('z')] }));
    expect(await drain(ctrl)).toEqual(['admin', 'other', 'view']);
    f.informer.remove(role('other'));
    expect(await drain(ctrl)).toEqual(['admin', 'other', 'view']);
  });

  test('through the workers: a labelled role flows into view, then edit, then admin', async () => {
    const f = setup([
      role('admin', { selects: [toAdmin] }),
      role('edit', { selects: [toEdit], labels: { [toAdmin]: 'true' } }),
      role('view', { selects: [toView], labels: { [toEdit]: 'true' } }),
    ]);
    // Each update comes back through the informer, as the watch would deliver it.
    const client = { update: async (ns: string, obj: ApiObject) => { const out = await f.deps.clusterRoleClient.update(ns, obj); f.informer.apply(out); return out; } };
    const ac = new AbortController();
    const ctrl = newClusterRoleAggregationController({ ...f.deps, clusterRoleClient: client, clock: new FakeClock() });
    const run = ctrl.run(ac.signal);
    try {
      f.informer.apply(role('widgets-reader', { labels: { [toView]: 'true' }, rules: [read('widgets')] }));
      await waitFor(() => f.informer.get('admin')?.rules !== undefined, 'admin aggregated');
      for (const name of ['view', 'edit', 'admin']) expect(f.informer.get(name)?.rules).toEqual([read('widgets')]);
      expect(f.updates.map((u) => u.metadata.name)).toEqual(['view', 'edit', 'admin']);
    } finally {
      ac.abort();
      await run;
    }
  });

  test('through the workers: a failed update is requeued with back-off, then succeeds', async () => {
    let fail = true;
    const f = setup([role('view', { selects: [toView] })], () => (fail ? conflict(gr, 'view', 'modified') : undefined));
    const clock = new FakeClock();
    const lines: string[] = [];
    const ctrl = newClusterRoleAggregationController({ ...f.deps, clock, log: createLogger('t', { verbosity: 2, write: (l) => lines.push(l) }) });
    const ac = new AbortController();
    const run = ctrl.run(ac.signal);
    try {
      f.informer.apply(role('p', { labels: { [toView]: 'true' }, rules: [read('pods')] }));
      await waitFor(() => ctrl.queue.numRequeues('view') === 1, 'requeue');
      fail = false;
      clock.step(clock.pendingDelays()[0]);
      await waitFor(() => f.updates.length === 1, 'update after requeue');
      await waitFor(() => ctrl.queue.numRequeues('view') === 0, 'forget');
      expect(lines.some((l) => l.includes('aggregated clusterrole') && l.includes('name=view'))).toBe(true);
    } finally {
      ac.abort();
      await run;
    }
  });
});
