import type { ApiObject, ObjectMeta } from '../../../api/meta/v1';
import { alreadyExists, conflict, forbidden, internal, notFound } from '../../apimachinery/errors';
import { FakeClock, waitFor } from '../../client/fake-clock';
import { FakeInformer } from '../../client/fake-informer';
import { createLogger, silentLogger } from '../../log';
import {
  description, descriptionAnnotation, newRootCACertPublisher, planRootCACert, reconcileRootCACert, rootCAFromConfig, rootCACertConfigMapName,
} from './controller';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBcluster\n-----END CERTIFICATE-----\n';
const OLD_CA = '-----BEGIN CERTIFICATE-----\nMIIBold\n-----END CERTIFICATE-----\n';

const ns = (name: string, opts: { phase?: string; deletionTimestamp?: string } = {}): ApiObject => ({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, ...(opts.deletionTimestamp ? { deletionTimestamp: opts.deletionTimestamp } : {}) },
  status: { phase: opts.phase ?? 'Active' },
});

interface CMOpts { name?: string; data?: Record<string, string>; binaryData?: Record<string, string>; meta?: Partial<ObjectMeta> }
const cm = (namespace: string, o: CMOpts = {}): ApiObject => ({
  apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name: o.name ?? rootCACertConfigMapName, namespace, resourceVersion: '7', ...o.meta },
  ...(o.data ? { data: o.data } : {}),
  ...(o.binaryData ? { binaryData: o.binaryData } : {}),
});
const published = (namespace: string, meta: Partial<ObjectMeta> = {}) =>
  cm(namespace, { data: { 'ca.crt': CA }, meta: { annotations: { [descriptionAnnotation]: description }, ...meta } });

const terminatingForbidden = (namespace: string) => {
  const err = forbidden(`configmaps "${rootCACertConfigMapName}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  err.status.details = { name: rootCACertConfigMapName, kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] };
  return err;
};
const cmGR = { group: '', resource: 'configmaps' };

interface Action { verb: 'create' | 'update'; namespace: string; obj: ApiObject }
const setup = (namespaces: ApiObject[], configMaps: ApiObject[], fail?: (verb: Action['verb']) => unknown) => {
  const nsInformer = new FakeInformer<ApiObject>();
  const cmInformer = new FakeInformer<ApiObject>();
  nsInformer.seed(...namespaces);
  cmInformer.seed(...configMaps);
  const actions: Action[] = [];
  const record = (verb: Action['verb']) => async (namespace: string, obj: ApiObject) => {
    const err = fail?.(verb);
    if (err) throw err;
    actions.push({ verb, namespace, obj });
    return obj;
  };
  const cmClient = { create: record('create'), update: record('update') };
  return { deps: { namespaces: nsInformer, configMaps: cmInformer, cmClient, rootCA: CA, log: silentLogger() }, actions, nsInformer, cmInformer };
};

describe('reconcileRootCACert', () => {
  test('an active namespace without the ConfigMap gets it', async () => {
    const { deps, actions } = setup([ns('a')], []);
    await expect(reconcileRootCACert('a', deps)).resolves.toBeUndefined();
    expect(actions).toEqual([{
      verb: 'create', namespace: 'a',
      obj: {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: 'a', annotations: { 'kubernetes.io/description': description } },
        data: { 'ca.crt': CA },
      },
    }]);
  });

  test('a correct ConfigMap is left alone', async () => {
    const { deps, actions } = setup([ns('a')], [published('a')]);
    await reconcileRootCACert('a', deps);
    expect(actions).toEqual([]);
  });

  test('wrong data is replaced whole; labels, other annotations and binaryData are kept', async () => {
    const existing = cm('a', {
      data: { 'ca.crt': OLD_CA, extra: 'dropped, as upstream' },
      binaryData: { blob: 'AAEC' },
      meta: { labels: { team: 'x' }, annotations: { owner: 'me', [descriptionAnnotation]: 'someone else' } },
    });
    const { deps, actions } = setup([ns('a')], [existing]);
    await reconcileRootCACert('a', deps);
    expect(actions).toEqual([{
      verb: 'update', namespace: 'a',
      obj: {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt', namespace: 'a', resourceVersion: '7', labels: { team: 'x' },
          annotations: { owner: 'me', [descriptionAnnotation]: description },
        },
        data: { 'ca.crt': CA },
        binaryData: { blob: 'AAEC' },
      },
    }]);
  });

  test.each([
    { name: 'no data', existing: cm('a', { meta: { annotations: { [descriptionAnnotation]: description } } }) },
    { name: 'an extra data key', existing: cm('a', { data: { 'ca.crt': CA, x: 'y' }, meta: { annotations: { [descriptionAnnotation]: description } } }) },
    { name: 'the description annotation missing', existing: cm('a', { data: { 'ca.crt': CA } }) },
    { name: 'the description annotation empty', existing: cm('a', { data: { 'ca.crt': CA }, meta: { annotations: { [descriptionAnnotation]: '' } } }) },
  ])('$name → update to the published form', async ({ existing }) => {
    const { deps, actions } = setup([ns('a')], [existing]);
    await reconcileRootCACert('a', deps);
    expect(actions.map((a) => a.verb)).toEqual(['update']);
    expect(actions[0].obj.data).toEqual({ 'ca.crt': CA });
    expect(actions[0].obj.metadata.annotations?.[descriptionAnnotation]).toBe(description);
  });

  test('a different non-empty description with the right data is left alone, as upstream', async () => {
    const { deps, actions } = setup([ns('a')], [cm('a', { data: { 'ca.crt': CA }, meta: { annotations: { [descriptionAnnotation]: 'custom' } } })]);
    await reconcileRootCACert('a', deps);
    expect(actions).toEqual([]);
  });

  test.each([
    { name: 'terminating (phase)', namespaces: [ns('a', { phase: 'Terminating' })], configMaps: [] },
    { name: 'terminating (deletionTimestamp)', namespaces: [ns('a', { deletionTimestamp: '2025-01-01T00:00:00Z' })], configMaps: [] },
    { name: 'terminating with drifted data', namespaces: [ns('a', { phase: 'Terminating' })], configMaps: [cm('a', { data: { 'ca.crt': OLD_CA } })] },
    { name: 'gone from the cache', namespaces: [], configMaps: [] },
  ])('a namespace $name gets nothing', async ({ namespaces, configMaps }) => {
    const { deps, actions } = setup(namespaces, configMaps);
    await expect(reconcileRootCACert('a', deps)).resolves.toBeUndefined();
    expect(actions).toEqual([]);
  });

  test.each([
    { name: 'create: NotFound (namespace gone)', existing: [], err: notFound({ group: '', resource: 'namespaces' }, 'a') },
    { name: 'create: Forbidden, namespace terminating', existing: [], err: terminatingForbidden('a') },
    { name: 'update: NotFound (ConfigMap deleted meanwhile)', existing: [cm('a', { data: { 'ca.crt': OLD_CA } })], err: notFound(cmGR, rootCACertConfigMapName) },
  ])('$name is not an error', async ({ existing, err }) => {
    const { deps } = setup([ns('a')], existing, () => err);
    await expect(reconcileRootCACert('a', deps)).resolves.toBeUndefined();
  });

  test('create: AlreadyExists (cache behind) is not an error; the namespace is looked at again', async () => {
    const { deps } = setup([ns('a')], [], () => alreadyExists(cmGR, rootCACertConfigMapName));
    await expect(reconcileRootCACert('a', deps)).resolves.toEqual({ requeueAfterMs: 1000 });
  });

  test.each([
    { name: 'create: a connection error', existing: [], err: new Error('connection refused'), msg: 'connection refused' },
    { name: 'create: Forbidden by authorization', existing: [], err: forbidden('configmaps is forbidden: User "x" cannot create'), msg: 'cannot create' },
    { name: 'update: Conflict', existing: [cm('a', { data: { 'ca.crt': OLD_CA } })], err: conflict(cmGR, rootCACertConfigMapName, 'the object has been modified'), msg: 'has been modified' },
    { name: 'update: InternalError', existing: [cm('a', { data: { 'ca.crt': OLD_CA } })], err: internal(new Error('etcd down')), msg: 'etcd down' },
  ])('$name is thrown so the key is retried', async ({ existing, err, msg }) => {
    const { deps } = setup([ns('a')], existing, () => err);
    await expect(reconcileRootCACert('a', deps)).rejects.toThrow(msg);
  });

  test('logs one line per write', async () => {
    const lines: string[] = [];
    const { deps } = setup([ns('a'), ns('b')], [cm('b', { data: { 'ca.crt': OLD_CA } })]);
    const log = createLogger('t', { verbosity: 2, write: (l) => lines.push(l) });
    await reconcileRootCACert('a', { ...deps, log });
    await reconcileRootCACert('b', { ...deps, log });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/created configmap namespace=a name=kube-root-ca.crt/);
    expect(lines[1]).toMatch(/updated configmap namespace=b name=kube-root-ca.crt/);
  });
});

describe('planRootCACert', () => {
  test('does not touch the cached object', () => {
    const existing = cm('a', { data: { 'ca.crt': OLD_CA }, meta: { annotations: { owner: 'me' } } });
    const before = structuredClone(existing);
    planRootCACert('a', existing, CA);
    expect(existing).toEqual(before);
  });
});

describe('rootCAFromConfig', () => {
  test('returns the kubeconfig CA as PEM text', () => {
    expect(rootCAFromConfig({ ca: Buffer.from(CA) }, '/k')).toBe(CA);
  });
  test.each([
    { name: 'no CA', ca: undefined, msg: 'kubeconfig /k has no certificate-authority or certificate-authority-data' },
    { name: 'an empty CA', ca: Buffer.from('  \n'), msg: 'has no certificate-authority' },
    { name: 'a CA that is not PEM', ca: Buffer.from('not a cert'), msg: 'is not a PEM certificate' },
  ])('$name is a clear error', ({ ca, msg }) => {
    expect(() => rootCAFromConfig({ ca }, '/k')).toThrow(msg);
  });
});

describe('newRootCACertPublisher', () => {
  const start = (fail?: () => unknown) => {
    const f = setup([], [], fail);
    const clock = new FakeClock();
    const lines: string[] = [];
    const ctrl = newRootCACertPublisher({ ...f.deps, clock, log: createLogger('t', { write: (l) => lines.push(l) }) });
    const ac = new AbortController();
    const run = ctrl.run(ac.signal);
    const stop = async () => { ac.abort(); await run; };
    return { ...f, clock, ctrl, lines, stop };
  };

  test('which events enqueue which namespace', async () => {
    const f = setup([], []);
    const ctrl = newRootCACertPublisher({ ...f.deps, clock: new FakeClock() }); // not run: keys stay queued
    const queued = async () => {
      const keys: string[] = [];
      while (ctrl.queue.len() > 0) {
        const key = await ctrl.queue.get();
        if (key !== undefined) { keys.push(key); ctrl.queue.done(key); }
      }
      return keys;
    };
    f.cmInformer.apply(cm('a', { name: 'other', data: { x: 'y' } }));
    f.cmInformer.apply(cm('a', { name: 'other', data: { x: 'z' } }));
    f.cmInformer.remove(cm('a', { name: 'other' }));
    f.cmInformer.apply(published('a')); // an add of the ConfigMap itself does not enqueue, as upstream
    expect(await queued()).toEqual([]);
    f.nsInformer.apply(ns('a'));
    f.nsInformer.apply(ns('b'));
    f.nsInformer.apply(ns('b', { phase: 'Terminating' }));
    expect(await queued()).toEqual(['a', 'b']);
    f.cmInformer.apply(cm('a', { data: { 'ca.crt': OLD_CA } }));
    f.cmInformer.vanish(cm('c'));
    expect(await queued()).toEqual(['a', 'c']);
  });

  test('a namespace added, its ConfigMap edited or deleted: each time it is put back', async () => {
    const t = start();
    try {
      t.nsInformer.apply(ns('a'));
      await waitFor(() => t.actions.length === 1, 'create on namespace add');
      expect(t.actions[0]).toMatchObject({ verb: 'create', namespace: 'a' });

      t.cmInformer.apply(published('a'));
      t.cmInformer.apply(cm('a', { data: { 'ca.crt': OLD_CA } })); // someone edits it
      await waitFor(() => t.actions.length === 2, 'update on ConfigMap update');
      expect(t.actions[1]).toMatchObject({ verb: 'update', namespace: 'a', obj: { data: { 'ca.crt': CA } } });

      t.cmInformer.remove(cm('a'));
      await waitFor(() => t.actions.length === 3, 'create on ConfigMap delete');
      expect(t.actions[2]).toMatchObject({ verb: 'create', namespace: 'a' });
    } finally {
      await t.stop();
    }
  });

  test('through the worker: a failed create is requeued with back-off, then succeeds', async () => {
    let fail = true;
    const t = start(() => (fail ? internal(new Error('apiserver unavailable')) : undefined));
    try {
      t.nsInformer.apply(ns('a'));
      await waitFor(() => t.ctrl.queue.numRequeues('a') === 1, 'requeue');
      expect(t.lines.some((l) => l.includes('reconcile failed, requeuing') && l.includes('apiserver unavailable'))).toBe(true);
      fail = false;
      t.clock.step(t.clock.pendingDelays()[0]);
      await waitFor(() => t.actions.length === 1, 'create after requeue');
      await waitFor(() => t.ctrl.queue.numRequeues('a') === 0, 'forget');
    } finally {
      await t.stop();
    }
  });
});
