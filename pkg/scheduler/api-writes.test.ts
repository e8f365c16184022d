import type { Pod } from '../../api/core/v1';
import { findResource } from '../../api/resources';
import { conflict, notFound } from '../apimachinery';
import type { ResourceClient } from '../client';
import { FakeClock } from '../client/fake-clock';
import { silentLogger } from '../log';
import { newBinder, newPodConditionUpdater, withPodCondition } from './api-writes';
import { toApiPod, type ApiPod } from './node-info';
import { pod } from './testing';

const cond = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' };
const now = '2024-05-01T10:00:00Z';

describe('withPodCondition', () => {
  test.each([
    { name: 'adds the condition', conditions: [], want: [{ ...cond, lastProbeTime: null, lastTransitionTime: now }] },
    { name: 'unchanged: no write', conditions: [{ ...cond, lastTransitionTime: 'old' }], want: undefined },
    { name: 'new message keeps the transition time', conditions: [{ ...cond, message: 'x', lastTransitionTime: 'old' }],
      want: [{ ...cond, lastProbeTime: null, lastTransitionTime: 'old' }] },
    { name: 'status flip moves the transition time', conditions: [{ type: 'Ready', status: 'False' }, { ...cond, status: 'True', lastTransitionTime: 'old' }],
      want: [{ type: 'Ready', status: 'False' }, { ...cond, lastProbeTime: null, lastTransitionTime: now }] },
  ])('$name', ({ conditions, want }) => {
    const p: Pod = { ...pod(), status: { phase: 'Pending', conditions } };
    expect(withPodCondition(p, cond, now)?.status?.conditions).toEqual(want);
  });
});

/** A ResourceClient fake that records calls; only the methods the scheduler uses do anything. */
const fakePods = (behaviour: { updateStatus: (p: ApiPod) => Promise<ApiPod>; get?: () => Promise<ApiPod> }) => {
  const calls: string[] = [];
  const unused = () => Promise.reject(new Error('unexpected call'));
  const info = findResource('', 'v1', 'pods');
  if (!info) throw new Error('pods not in resources');
  const client: ResourceClient<ApiPod> = {
    info,
    get: async () => { calls.push('get'); return behaviour.get ? behaviour.get() : unused(); },
    list: unused, create: unused, update: unused, patch: unused, delete: unused,
    updateStatus: async (_ns, p) => { calls.push(`updateStatus rv=${p.metadata?.resourceVersion}`); return behaviour.updateStatus(p); },
    createSubresource: async (ns, name, sub, body) => { calls.push(`${sub} ${ns}/${name} ${JSON.stringify(body)}`); return {}; },
    watch: () => { throw new Error('unexpected watch'); },
  };
  return { client, calls };
};

const gr = { group: '', resource: 'pods' };

describe('pod condition updater', () => {
  test('retries a conflict with the current resourceVersion', async () => {
    let n = 0;
    const fresh: ApiPod = { ...pod(), metadata: { ...pod().metadata, resourceVersion: '7' } };
    const { client, calls } = fakePods({
      updateStatus: async (p) => { if (n++ === 0) throw conflict(gr, 'p', 'the object has been modified'); return p; },
      get: async () => fresh,
    });
    await newPodConditionUpdater(client, new FakeClock(0), silentLogger())(pod(), cond);
    expect(calls).toEqual(['updateStatus rv=1', 'get', 'updateStatus rv=7']);
  });

  test('a deleted pod is not an error', async () => {
    const { client, calls } = fakePods({ updateStatus: async () => { throw notFound(gr, 'p'); } });
    await newPodConditionUpdater(client, new FakeClock(0), silentLogger())(pod(), cond);
    expect(calls).toEqual(['updateStatus rv=1']);
  });

  test('stops when the pod got bound meanwhile', async () => {
    const { client, calls } = fakePods({
      updateStatus: async () => { throw conflict(gr, 'p', 'modified'); },
      get: async () => toApiPod(pod({ nodeName: 'n1' })),
    });
    await newPodConditionUpdater(client, new FakeClock(0), silentLogger())(pod(), cond);
    expect(calls).toEqual(['updateStatus rv=1', 'get']);
  });
});

test('binder posts a Binding to pods/<name>/binding', async () => {
  const { client, calls } = fakePods({ updateStatus: async (p) => p });
  await newBinder(client)(pod({ name: 'web', namespace: 'prod' }), 'node1');
  expect(calls).toEqual([`binding prod/web ${JSON.stringify({
    apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', namespace: 'prod' },
    target: { apiVersion: 'v1', kind: 'Node', name: 'node1' },
  })}`]);
});
