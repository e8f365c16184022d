import type { ApiObject } from '../../../api/meta/v1';
import { createFakeStore } from '../../storage/fake';
import { newRangeAllocator } from './range-store';
import { ipRange, portRange } from './ranges';
import { withServiceAllocation } from './service-store';

const setup = () => {
  const raw = createFakeStore();
  const a = { ips: newRangeAllocator(raw, 'serviceips', ipRange('10.96.0.0/24')), ports: newRangeAllocator(raw, 'servicenodeports', portRange('30000-30009')) };
  return { store: withServiceAllocation(raw, a), a };
};
const svc = (name: string, spec: Record<string, unknown>): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }], ...spec } } as ApiObject);
const key = (name: string) => `/registry/services/default/${name}`;
type Spec = { clusterIP?: string; ports: Array<{ nodePort?: number }> };
const specOf = (o: ApiObject) => (o as unknown as { spec: Spec }).spec;

describe('withServiceAllocation', () => {
  test('a failed create gives back what it took', async () => {
    const { store, a } = setup();
    await store.create(key('x'), svc('x', { clusterIP: '10.96.0.20' }));
    await expect(store.create(key('x'), svc('x', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }))).rejects.toMatchObject({ status: { reason: 'AlreadyExists' } });
    await expect(a.ports.allocate('30005')).resolves.toBeUndefined();
  });

  test('a delete releases the address and node ports', async () => {
    const { store, a } = setup();
    const created = await store.create(key('y'), svc('y', { type: 'NodePort' }));
    const ip = specOf(created).clusterIP ?? '';
    const port = String(specOf(created).ports[0].nodePort);
    await store.delete(key('y'));
    await expect(a.ips.allocate(ip)).resolves.toBeUndefined();
    await expect(a.ports.allocate(port)).resolves.toBeUndefined();
  });

  test('an update that drops node ports releases them; one that needs them takes new ones', async () => {
    const { store, a } = setup();
    const created = await store.create(key('z'), svc('z', { type: 'NodePort' }));
    const port = String(specOf(created).ports[0].nodePort);
    const ip = specOf(created).clusterIP;
    const cleared = await store.guaranteedUpdate(key('z'), (cur) => ({ ...cur, spec: { ...specOf(cur), type: 'ClusterIP', ports: [{ port: 80 }] } } as ApiObject));
    expect(specOf(cleared).clusterIP).toBe(ip);
    await expect(a.ports.allocate(port)).resolves.toBeUndefined();
    const again = await store.guaranteedUpdate(key('z'), (cur) => ({ ...cur, spec: { ...specOf(cur), type: 'NodePort' } } as ApiObject));
    expect(specOf(again).ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(String(specOf(again).ports[0].nodePort)).not.toBe(port);
  });

  test('an exhausted node port range is a 422 and takes nothing', async () => {
    const { store, a } = setup();
    for (let i = 0; i < 10; i++) await a.ports.allocateNext();
    await expect(store.create(key('w'), svc('w', { type: 'NodePort' }))).rejects.toMatchObject({ status: { code: 422 } });
    expect((await store.list('/registry/services/')).items).toHaveLength(0);
  });
});
