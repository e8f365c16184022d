import type { ApiObject } from '../../../api/meta/v1';
import { alreadyExists, forbidden } from '../../apimachinery/errors';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import { reconcileServiceAccounts } from './controller';

const ns = (name: string, meta: Partial<ApiObject['metadata']> = {}, phase = 'Active'): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...meta }, status: { phase } } as ApiObject);
const sa = (namespace: string, name: string): ApiObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace, name } });

const setup = (namespaces: ApiObject[], accounts: ApiObject[], fail?: unknown) => {
  const nsInformer = new FakeInformer<ApiObject>();
  const saInformer = new FakeInformer<ApiObject>();
  namespaces.forEach((n) => nsInformer.seed(n));
  accounts.forEach((a) => saInformer.seed(a));
  const created: string[] = [];
  const saClient = {
    create: async (namespace: string, obj: ApiObject) => {
      if (fail) throw fail;
      created.push(`${namespace}/${obj.metadata.name}`);
      return obj;
    },
  };
  return { deps: { namespaces: nsInformer, serviceAccounts: saInformer, saClient, log: silentLogger() }, created };
};

describe('reconcileServiceAccounts', () => {
  test('an active namespace without one gets `default`', async () => {
    const { deps, created } = setup([ns('a')], []);
    await reconcileServiceAccounts('a', deps);
    expect(created).toEqual(['a/default']);
  });
  test('an existing `default` is left alone', async () => {
    const { deps, created } = setup([ns('a')], [sa('a', 'default')]);
    await reconcileServiceAccounts('a', deps);
    expect(created).toEqual([]);
  });
  test.each([
    ['terminating (phase)', ns('a', {}, 'Terminating')],
    ['terminating (deletionTimestamp)', ns('a', { deletionTimestamp: '2025-01-01T00:00:00Z' })],
  ])('a %s namespace gets none', async (_n, n) => {
    const { deps, created } = setup([n], []);
    await reconcileServiceAccounts('a', deps);
    expect(created).toEqual([]);
  });
  test('a namespace gone from the cache gets none', async () => {
    const { deps, created } = setup([], []);
    await reconcileServiceAccounts('a', deps);
    expect(created).toEqual([]);
  });
  test.each([
    ['AlreadyExists (cache behind)', alreadyExists({ group: '', resource: 'serviceaccounts' }, 'default')],
    ['Forbidden (namespace started terminating)', forbidden('unable to create new content in namespace a because it is being terminated')],
  ])('%s is not an error', async (_n, err) => {
    const { deps } = setup([ns('a')], [], err);
    await expect(reconcileServiceAccounts('a', deps)).resolves.toBeUndefined();
  });
  test('other errors are returned so the key is retried', async () => {
    const { deps } = setup([ns('a')], [], new Error('connection refused'));
    await expect(reconcileServiceAccounts('a', deps)).rejects.toThrow('connection refused');
  });
});
