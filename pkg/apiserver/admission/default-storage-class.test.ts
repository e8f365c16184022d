import type { ApiObject } from '../../../api/meta/v1';
import { createFakeStore } from '../../storage';
import { admitDefaultStorageClass, defaultClass } from './default-storage-class';

const sc = (name: string, created: string, isDefault?: string, beta = false): ApiObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'p',
  metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { [`storageclass.${beta ? 'beta.' : ''}kubernetes.io/is-default-class`]: isDefault } } : {}) },
} as ApiObject);
const pvc = (spec: Record<string, unknown>): ApiObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'ns' }, spec } as ApiObject);
const claims = { group: '', plural: 'persistentvolumeclaims' };

describe('DefaultStorageClass admission', () => {
  test('the default is the newest annotated class, then the first by name', () => {
    expect(defaultClass([sc('a', '2026-01-01T00:00:00Z'), sc('b', '2026-01-02T00:00:00Z', 'false')])).toBeUndefined();
    expect(defaultClass([sc('old', '2026-01-01T00:00:00Z', 'true'), sc('new', '2026-01-02T00:00:00Z', 'true', true)])?.metadata.name).toBe('new');
    expect(defaultClass([sc('z', '2026-01-01T00:00:00Z', 'true'), sc('y', '2026-01-01T00:00:00Z', 'true')])?.metadata.name).toBe('y');
  });

  test('a claim naming no class gets the default; "" and a named class stay; other kinds are untouched', async () => {
    const store = createFakeStore();
    await store.create('/registry/storageclasses/standard', sc('standard', '2026-01-01T00:00:00Z', 'true'));
    expect(((await admitDefaultStorageClass(store, claims, pvc({ accessModes: ['ReadWriteOnce'] }))).spec as { storageClassName?: string }).storageClassName).toBe('standard');
    expect(((await admitDefaultStorageClass(store, claims, pvc({ storageClassName: '' }))).spec as { storageClassName?: string }).storageClassName).toBe('');
    expect(((await admitDefaultStorageClass(store, claims, pvc({ storageClassName: 'fast' }))).spec as { storageClassName?: string }).storageClassName).toBe('fast');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } as ApiObject;
    expect(await admitDefaultStorageClass(store, { group: '', plural: 'pods' }, pod)).toBe(pod);
  });
});
