import type { ApiObject } from '../../api/meta/v1';
import { humanDuration, printers, nodeRoles, formatLabelSelector } from './printers';
import { negotiateTable, toTable } from './table';
import { findResource } from '../../api/resources';

const now = new Date('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

describe('humanDuration', () => {
  it.each([
    [0, '0s'], [5_000, '5s'], [119_000, '119s'], [182_000, '3m2s'], [300_000, '5m'], [15 * 60_000, '15m'],
    [5 * 3600_000, '5h'], [5.5 * 3600_000, '5h30m'], [30 * 3600_000, '30h'], [50 * 3600_000, '2d2h'], [2 * 86400_000, '2d'],
    [20 * 86400_000, '20d'], [-5_000, '<invalid>'],
  ])('%d ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

const pod = (over: Record<string, unknown>): ApiObject => ({
  metadata: { name: 'p', creationTimestamp: ago(5) },
  spec: { containers: [{ name: 'a', image: 'busybox' }] },
  status: { phase: 'Pending' },
  ...over,
});
const running = (extra: Record<string, unknown> = {}) => ({ name: 'a', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} }, ...extra });

describe('pod printer', () => {
  it.each([
    ['pending', pod({}), ['p', '0/1', 'Pending', '0', '5s', '<none>', '<none>', '<none>', '<none>']],
    ['creating', pod({ status: { phase: 'Pending', containerStatuses: [{ ...running(), ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] } }),
      ['p', '0/1', 'ContainerCreating', '0', '5s', '<none>', '<none>', '<none>', '<none>']],
    ['running', pod({ spec: { nodeName: 'n1', containers: [{ name: 'a' }] }, status: { phase: 'Running', podIP: '10.0.0.5', containerStatuses: [running()] } }),
      ['p', '1/1', 'Running', '0', '5s', '10.0.0.5', 'n1', '<none>', '<none>']],
    ['crashloop', pod({ status: { phase: 'Running', containerStatuses: [{ ...running(), ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(65) } } }] } }),
      ['p', '0/1', 'CrashLoopBackOff', '3 (65s ago)', '5s', '<none>', '<none>', '<none>', '<none>']],
    ['completed', pod({ status: { phase: 'Succeeded', containerStatuses: [{ ...running(), ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }),
      ['p', '0/1', 'Completed', '0', '5s', '<none>', '<none>', '<none>', '<none>']],
    ['terminating', pod({ metadata: { name: 'p', creationTimestamp: ago(5), deletionTimestamp: ago(-30) }, status: { phase: 'Running', containerStatuses: [running()] } }),
      ['p', '1/1', 'Terminating', '0', '5s', '<none>', '<none>', '<none>', '<none>']],
    ['init', pod({ spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }] }, status: { phase: 'Pending', initContainerStatuses: [{ ...running(), name: 'i', ready: false }] } }),
      ['p', '0/1', 'Init:0/1', '0', '5s', '<none>', '<none>', '<none>', '<none>']],
    ['started sidecar', pod({ spec: { initContainers: [{ name: 'i', restartPolicy: 'Always' }], containers: [{ name: 'a' }] },
      status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ ...running(), name: 'i', started: true, restartCount: 1 }], containerStatuses: [running()] } }),
    ['p', '2/2', 'Running', '1', '5s', '<none>', '<none>', '<none>', '<none>']],
  ])('%s', (_name, obj, want) => expect(printers.Pod(obj, now)).toEqual(want));
});

describe('node printer', () => {
  const node = (ready: string, extra: Record<string, unknown> = {}): ApiObject => ({
    metadata: { name: 'n1', creationTimestamp: ago(7200), labels: { 'node-role.kubernetes.io/control-plane': '' } },
    status: { conditions: [{ type: 'Ready', status: ready }], nodeInfo: { kubeletVersion: 'v1.33.0-berth' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    ...extra,
  });
  it('prints Ready with roles', () => expect(printers.Node(node('True'), now).slice(0, 6)).toEqual(['n1', 'Ready', 'control-plane', '120m', 'v1.33.0-berth', '10.0.0.1']));
  it('prints NotReady,SchedulingDisabled', () => expect(printers.Node(node('False', { spec: { unschedulable: true } }), now)[1]).toBe('NotReady,SchedulingDisabled'));
  it('finds roles', () => expect(nodeRoles({ 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/master': '' })).toEqual(['master', 'worker']));
});

describe('other printers', () => {
  it('prints replicasets', () => {
    const rs: ApiObject = { metadata: { name: 'web', creationTimestamp: ago(10) }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } }, status: { replicas: 2, readyReplicas: 1 } };
    expect(printers.ReplicaSet(rs, now)).toEqual(['web', 3, 2, 1, '10s', 'c', 'busybox', 'app=web']);
  });
  it('prints namespaces and events', () => {
    expect(printers.Namespace({ metadata: { name: 'default', creationTimestamp: ago(60) }, status: { phase: 'Active' } }, now)).toEqual(['default', 'Active', '60s']);
    const ev: ApiObject = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, type: 'Warning', reason: 'FailedScheduling', message: '0/1 nodes are available', lastTimestamp: ago(3) };
    expect(printers.Event(ev, now)).toEqual(['3s', 'Warning', 'FailedScheduling', 'pod/p', '0/1 nodes are available']);
  });
  it('formats selectors', () => expect(formatLabelSelector({ matchLabels: { b: '2', a: '1' } })).toBe('a=1,b=2'));
});

describe('tables', () => {
  const kubectlAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  it.each([
    [kubectlAccept, undefined, { version: 'v1', includeObject: 'Metadata' }],
    [kubectlAccept, 'Object', { version: 'v1', includeObject: 'Object' }],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io', undefined, { version: 'v1beta1', includeObject: 'Metadata' }],
    ['application/json', undefined, undefined],
    ['application/vnd.kubernetes.protobuf,application/json', undefined, undefined],
  ])('negotiates %s', (accept, inc, want) => expect(negotiateTable(accept, inc)).toEqual(want));

  it('carries PartialObjectMetadata rows', () => {
    const info = findResource('', 'v1', 'namespaces');
    if (!info) throw new Error('namespaces not served');
    const t = toTable(info, [{ metadata: { name: 'a', creationTimestamp: ago(1) }, status: { phase: 'Active' } }], { resourceVersion: '7' }, { version: 'v1', includeObject: 'Metadata' }, now);
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a', creationTimestamp: ago(1) } });
  });
});
