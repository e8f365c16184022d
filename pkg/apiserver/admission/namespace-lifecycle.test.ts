import type { ApiObject } from '../../../api/meta/v1';
import { notFound, StatusError } from '../../apimachinery/errors';
import type { GetOptions } from '../../storage';
import { admitCreate, admitNamespaceDelete } from './namespace-lifecycle';

const ns = (name: string, terminating = false): ApiObject => ({
  apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...(terminating ? { status: { phase: 'Terminating' } } : {}),
});

/** A store whose watch cache (resourceVersion 0) and etcd may disagree, recording which was asked. */
const stores = (cached: ApiObject | undefined, live: ApiObject | undefined) => {
  const asked: string[] = [];
  const get = async (key: string, o?: GetOptions): Promise<ApiObject> => {
    const fromCache = o?.resourceVersion === '0';
    asked.push(fromCache ? 'cache' : 'etcd');
    const obj = fromCache ? cached : live;
    if (!obj) throw notFound({ group: '', resource: 'namespaces' }, key.split('/').pop() ?? '');
    return obj;
  };
  return { store: { get }, asked };
};

const pods = { group: '', plural: 'pods' };

const failure = async (p: Promise<void>): Promise<StatusError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('admitted');
};

describe('NamespaceLifecycle admission of creates', () => {
  test('an Active namespace in the watch cache admits without asking etcd', async () => {
    const s = stores(ns('a'), ns('a'));
    await admitCreate(s.store, pods, 'a', 'p');
    expect(s.asked).toEqual(['cache']);
  });

  test('a Terminating namespace in the cache refuses with 403', async () => {
    const s = stores(ns('a', true), ns('a', true));
    expect((await failure(admitCreate(s.store, pods, 'a', 'p'))).status).toMatchObject({
      code: 403, message: 'pods "p" is forbidden: unable to create new content in namespace a because it is being terminated',
    });
    expect(s.asked).toEqual(['cache']);
  });

  test('a namespace the cache has not seen yet is read from etcd; missing everywhere is 404', async () => {
    const fresh = stores(undefined, ns('new'));
    await admitCreate(fresh.store, pods, 'new', 'p');
    expect(fresh.asked).toEqual(['cache', 'etcd']);
    const missing = stores(undefined, undefined);
    expect((await failure(admitCreate(missing.store, pods, 'nope', 'p'))).status).toMatchObject({ code: 404, reason: 'NotFound' });
  });

  test('after a DELETE of the namespace, a cache that still says Active is not trusted', async () => {
    admitNamespaceDelete('doomed');
    const s = stores(ns('doomed'), ns('doomed', true));
    expect((await failure(admitCreate(s.store, pods, 'doomed', 'p'))).status.code).toBe(403);
    expect(s.asked).toEqual(['cache', 'etcd']);
  });
});
