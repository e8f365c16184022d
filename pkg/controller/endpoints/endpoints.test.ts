import type { ApiEndpoints, ApiPod, ApiService } from '../../../api/core/v1';
import { desiredEndpoints } from './controller';
import { findPort, lastChangeTriggerTime, shouldPodBeInEndpoints } from './pods';
import { computeSubsets, truncateSubsets } from './subsets';
import type { EndpointSubset } from '../../../api/core/v1';

const svc = (o: { selector?: Record<string, string> | null; targetPort?: number | string; publishNotReady?: boolean; clusterIP?: string; ports?: boolean } = {}): ApiService => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { team: 'a' }, creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: {
    selector: o.selector === null ? undefined : o.selector ?? { app: 'web' },
    ports: o.ports === false ? [] : [{ name: 'http', port: 80, protocol: 'TCP', targetPort: o.targetPort ?? 8080 }],
    clusterIP: o.clusterIP ?? '10.0.0.10', publishNotReadyAddresses: o.publishNotReady,
  },
});

interface PodOpts { ip?: string; ready?: boolean; deleting?: boolean; phase?: string; policy?: string; labels?: Record<string, string>; ns?: string; portName?: string; readySince?: string }
const pod = (name: string, o: PodOpts = {}): ApiPod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name, namespace: o.ns ?? 'ns', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, creationTimestamp: '2025-01-01T00:01:00Z',
    ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:05:00Z' } : {}),
  },
  spec: { nodeName: 'n1', restartPolicy: o.policy, containers: [{ name: 'c', image: 'busybox', ports: [{ name: o.portName ?? 'web', containerPort: 9090, protocol: 'TCP' }] }] },
  status: {
    phase: o.phase ?? 'Running', ...(o.ip === '' ? {} : { podIP: o.ip ?? `10.1.0.${name.length}` }),
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2025-01-01T00:02:00Z' }],
  },
});

describe('shouldPodBeInEndpoints', () => {
  it('needs an IP, a pod that can still run, and excludes terminating pods unless asked', () => {
    expect(shouldPodBeInEndpoints(pod('a'), false)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', { ip: '' }), false)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', { deleting: true }), false)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', { deleting: true }), true)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', { phase: 'Failed', policy: 'Never' }), false)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', { phase: 'Failed', policy: 'OnFailure' }), false)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', { phase: 'Succeeded', policy: 'OnFailure' }), false)).toBe(false);
  });
});

describe('findPort', () => {
  it('takes numbers as they are, looks names up among container ports of the same protocol', () => {
    expect(findPort(pod('a'), { port: 80, targetPort: 8080 })).toBe(8080);
    expect(findPort(pod('a'), { port: 80 })).toBe(80);
    expect(findPort(pod('a'), { port: 80, targetPort: 'web' })).toBe(9090);
    expect(findPort(pod('a'), { port: 80, targetPort: 'web', protocol: 'UDP' })).toBeUndefined();
    expect(findPort(pod('a'), { port: 80, targetPort: 'nope' })).toBeUndefined();
  });
});

describe('computeSubsets', () => {
  it('puts ready pods in addresses and the others in notReadyAddresses, sorted by IP', () => {
    const subsets = computeSubsets(svc(), [pod('bbb', { ip: '10.1.0.20' }), pod('aa', { ip: '10.1.0.3' }), pod('c', { ready: false })]);
    expect(subsets).toEqual([{
      addresses: [
        { ip: '10.1.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'aa', uid: 'uid-aa' } },
        { ip: '10.1.0.20', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'bbb', uid: 'uid-bbb' } },
      ],
      notReadyAddresses: [{ ip: '10.1.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'uid-c' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
  });

  it('leaves terminating pods out, unless publishNotReadyAddresses, which lists every pod as ready', () => {
    expect(computeSubsets(svc(), [pod('a', { deleting: true })])).toEqual([]);
    const subsets = computeSubsets(svc({ publishNotReady: true }), [pod('a', { deleting: true }), pod('b', { ready: false })]);
    expect(subsets[0]?.addresses?.map((a) => a.targetRef?.name)).toEqual(['a', 'b']);
    expect(subsets[0]?.notReadyAddresses).toBeUndefined();
  });

  it('groups pods by the port a named targetPort resolves to, and skips pods without it', () => {
    const subsets = computeSubsets(svc({ targetPort: 'web' }), [pod('a'), pod('bb', { portName: 'other' })]);
    expect(subsets).toHaveLength(1);
    expect(subsets[0]?.ports).toEqual([{ name: 'http', port: 9090, protocol: 'TCP' }]);
    expect(subsets[0]?.addresses?.map((a) => a.targetRef?.name)).toEqual(['a']);
  });

  it('lists a headless service without ports by address only', () => {
    expect(computeSubsets(svc({ clusterIP: 'None', ports: false }), [pod('a')])[0]).toEqual({
      addresses: [{ ip: '10.1.0.1', nodeName: 'n1', targetRef: expect.objectContaining({ name: 'a' }) }],
    });
  });
});

describe('desiredEndpoints', () => {
  const current = (o: Partial<ApiEndpoints> = {}): ApiEndpoints => ({
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'ns', resourceVersion: '7', labels: { team: 'a' } },
    subsets: computeSubsets(svc(), [pod('a')]), ...o,
  });

  it('creates an Endpoints of the service name, with its labels and the trigger time', () => {
    const ep = desiredEndpoints(svc(), [pod('a'), pod('x', { labels: { app: 'other' } }), pod('y', { ns: 'other' })], undefined);
    expect(ep?.metadata).toEqual({
      name: 'web', namespace: 'ns', labels: { team: 'a' },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2025-01-01T00:02:00Z' },
    });
    expect(ep?.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name)).toEqual(['a']);
  });

  it('returns nothing when the current object is already right, the change with its resourceVersion otherwise', () => {
    expect(desiredEndpoints(svc(), [pod('a')], current())).toBeUndefined();
    const next = desiredEndpoints(svc(), [pod('a', { ready: false })], current());
    expect(next?.metadata.resourceVersion).toBe('7');
    expect(next?.subsets?.[0]?.notReadyAddresses).toHaveLength(1);
    expect(desiredEndpoints(svc(), [pod('a')], current({ metadata: { name: 'web', namespace: 'ns', labels: {} } }))?.metadata.labels).toEqual({ team: 'a' });
  });

  it('labels a headless service\'s endpoints', () => {
    expect(desiredEndpoints(svc({ clusterIP: 'None' }), [], undefined)?.metadata.labels).toEqual({ team: 'a', 'service.kubernetes.io/headless': '' });
  });
});

describe('lastChangeTriggerTime', () => {
  it('is the newest of the service creation and the pods\' creation and readiness changes', () => {
    expect(lastChangeTriggerTime(svc(), [])).toBe('2025-01-01T00:00:00Z');
    expect(lastChangeTriggerTime(svc(), [pod('a'), pod('b', { readySince: '2025-01-01T00:09:00Z' })])).toBe('2025-01-01T00:09:00Z');
  });
});

describe('truncateSubsets', () => {
  const addrs = (n: number, base: string) => Array.from({ length: n }, (_, i) => ({ ip: `${base}.${i}` }));
  it('leaves endpoints within capacity alone', () => {
    const subsets: EndpointSubset[] = [{ addresses: addrs(3, '10.0.0') }];
    expect(truncateSubsets(subsets, 5)).toEqual({ subsets, truncated: false });
  });
  it('cuts not-ready addresses first, then ready ones in proportion per subset', () => {
    const notReadyCut = truncateSubsets([{ addresses: addrs(6, '10.0.0'), notReadyAddresses: addrs(6, '10.0.1') }], 10);
    expect(notReadyCut.truncated).toBe(true);
    expect(notReadyCut.subsets[0]?.addresses).toHaveLength(6);
    expect(notReadyCut.subsets[0]?.notReadyAddresses).toHaveLength(4);
    const readyCut = truncateSubsets([
      { addresses: addrs(9, '10.0.0'), notReadyAddresses: addrs(2, '10.0.1'), ports: [{ port: 1 }] },
      { addresses: addrs(3, '10.0.2'), ports: [{ port: 2 }] },
    ], 8);
    expect(readyCut.subsets.map((s) => [s.addresses?.length, s.notReadyAddresses?.length])).toEqual([[6, undefined], [2, undefined]]);
  });
  it('marks a truncated Endpoints over-capacity, and clears the mark once it fits again', () => {
    const many = Array.from({ length: 1001 }, (_, i) => pod(`p${i}`, { ip: `10.2.${Math.floor(i / 250)}.${i % 250}` }));
    const big = desiredEndpoints(svc(), many, undefined);
    expect(big?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBe('truncated');
    expect(big?.subsets?.[0]?.addresses).toHaveLength(1000);
    const small = desiredEndpoints(svc(), many.slice(0, 10), big && { ...big, metadata: { ...big.metadata, resourceVersion: '9' } });
    expect(small?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBeUndefined();
  });
});
