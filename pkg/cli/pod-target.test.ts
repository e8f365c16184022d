// Picking the pod behind TYPE/NAME as kubectl does, and a service port's target.
import type { Pod, Service } from '../../api/core/v1';
import { byActivity, parseTarget, resolvePod } from './pod-target';
import { servicePortTarget } from './port-forward';
import { FakeClient, type RecordedRequest } from './testing';

const pod = (name: string, o: { node?: string; phase?: string; readySince?: string; created?: string } = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
  spec: { nodeName: o.node, containers: [{ name: 'c', image: 'x' }] },
  status: { phase: o.phase, conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [] },
} as Pod);

test('the most active pod first: placed, running, ready, ready longest', () => {
  const pods = [
    pod('pending', { phase: 'Pending' }),
    pod('running-unready', { node: 'n', phase: 'Running' }),
    pod('ready-new', { node: 'n', phase: 'Running', readySince: '2024-01-02T00:00:00Z' }),
    pod('ready-old', { node: 'n', phase: 'Running', readySince: '2024-01-01T00:00:00Z' }),
    pod('placed-pending', { node: 'n', phase: 'Pending' }),
  ];
  expect(pods.sort(byActivity).map((p) => p.metadata?.name)).toEqual(['ready-old', 'ready-new', 'running-unready', 'placed-pending', 'pending']);
});

test('deploy/NAME: its selector lists the pods; svc/NAME also returns the Service', async () => {
  const client = new FakeClient((req: RecordedRequest) => {
    if (req.path.endsWith('/deployments/web')) return { spec: { selector: { matchLabels: { app: 'web' } } } };
    if (req.path.endsWith('/services/web')) return { metadata: { name: 'web' }, spec: { selector: { app: 'web' } } };
    return { items: [pod('a', { phase: 'Pending' }), pod('b', { node: 'n', phase: 'Running', readySince: '2024-01-01T00:00:00Z' })] };
  });
  expect((await resolvePod(client, 'default', parseTarget('deploy/web', 'exec into'))).pod.metadata?.name).toBe('b');
  expect(client.requests[1]).toMatchObject({ path: '/api/v1/namespaces/default/pods', query: { labelSelector: 'app=web' } });
  const viaService = await resolvePod(client, 'default', parseTarget('svc/web', 'port-forward to'));
  expect(viaService.service?.metadata?.name).toBe('web');
  expect(client.requests[3].query).toEqual({ labelSelector: 'app=web' });
  const none = new FakeClient((req) => (req.path.endsWith('/pods') ? { items: [] } : { spec: { selector: { matchLabels: { app: 'x' } } } }));
  await expect(resolvePod(none, 'default', parseTarget('rs/x', 'exec into'))).rejects.toThrow('no pods found for rs/x');
});

test('a service port forwards to its targetPort (number or name), else to the port itself', () => {
  const svc = { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 8080, targetPort: 'web' }, { port: 9090, targetPort: 9091 }, { port: 7070 }] } } as Service;
  expect(servicePortTarget(svc, '8080')).toBe('web');
  expect(servicePortTarget(svc, 'http')).toBe('web');
  expect(servicePortTarget(svc, '9090')).toBe('9091');
  expect(servicePortTarget(svc, '7070')).toBe('7070');
  expect(() => servicePortTarget(svc, '1')).toThrow('Service web does not have a service port 1');
});
