import type { ApiConfigMap, ApiSecret, ApiService } from '../../api/core/v1';
import { findResource } from '../../api/resources';
import { internal } from '../apimachinery/errors';
import { FakeInformer } from '../client/fake-informer';
import { ContainerConfigError } from './container-config-error';
import { envReferences, fetchEnvSources } from './env-sources';
import { FakeResourceClient } from './fake-client';
import { container, pod } from './test-builders';

const info = (plural: string) => {
  const r = findResource('', 'v1', plural);
  if (!r) throw new Error(`${plural} missing`);
  return r;
};

const c = container('app', {
  envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 'absent', optional: true } }],
  env: [
    { name: 'A', valueFrom: { configMapKeyRef: { name: 'other', key: 'k' } } },
    { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    { name: 'C', value: 'literal wins', valueFrom: { configMapKeyRef: { name: 'unused', key: 'k' } } },
  ],
});

const setup = () => {
  const configMaps = new FakeResourceClient<ApiConfigMap>(info('configmaps'));
  const secrets = new FakeResourceClient<ApiSecret>(info('secrets'));
  const services = new FakeInformer<ApiService>();
  configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { X: '1' } });
  configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'default' }, data: { k: '2' } });
  services.seed(
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 443 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team' }, spec: { clusterIP: '10.0.0.30', ports: [{ port: 80 }] } },
  );
  return { configMaps, secrets, services };
};

test('envReferences: the ConfigMaps and Secrets that env and envFrom read', () => {
  expect(envReferences(c)).toEqual({ configMaps: new Set(['cm', 'other']), secrets: new Set(['absent', 's']) });
});

test('fetchEnvSources gets what exists, leaves NotFound out, and lists services by namespace', async () => {
  const t = setup();
  const got = await fetchEnvSources(pod({ containers: [c] }), c, t);
  expect([...(got.configMaps?.keys() ?? [])].sort()).toEqual(['cm', 'other']);
  expect(got.secrets?.size).toBe(0);
  expect(t.configMaps.calls.sort()).toEqual(['get default/cm', 'get default/other']);
  expect(got.services?.('team').map((s) => s.metadata?.name)).toEqual(['web']);
});

test('fetchEnvSources: an API failure other than NotFound, or services not listed yet, is a CreateContainerConfigError', async () => {
  const t = setup();
  t.secrets.get = async () => { throw internal(new Error('etcd is down')); };
  await expect(fetchEnvSources(pod({ containers: [c] }), c, t)).rejects.toThrow(ContainerConfigError);
  const unsynced = setup();
  unsynced.services.synced = false;
  await expect(fetchEnvSources(pod({ containers: [c] }), c, unsynced)).rejects.toThrow('services have not yet been read at least once, cannot construct envvars');
});
