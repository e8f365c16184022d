import { buildPodStatus, containerStatus, getPhase, semanticEqual } from './status';
import type { ContainerStatus as ApiContainerStatus } from '../../api/core/v1';
import { container, crStatus, pod } from './test-builders';

const running: ApiContainerStatus['state'] = { running: { startedAt: '2025-01-01T00:00:01Z' } };
const terminated = (exitCode: number): ApiContainerStatus['state'] => ({ terminated: { exitCode } });
const waiting: ApiContainerStatus['state'] = { waiting: { reason: 'ContainerCreating' } };
const st = (name: string, state: ApiContainerStatus['state'], lastState: ApiContainerStatus['lastState'] = {}): ApiContainerStatus =>
  ({ name, state, lastState, ready: false, restartCount: 0, image: '', imageID: '' });

describe('getPhase', () => {
  const two = [container('a'), container('b')];
  test.each([
    { name: 'no statuses', policy: 'Always', statuses: [], want: 'Pending' },
    { name: 'one waiting', policy: 'Always', statuses: [st('a', running), st('b', waiting)], want: 'Pending' },
    { name: 'all running', policy: 'Always', statuses: [st('a', running), st('b', running)], want: 'Running' },
    { name: 'one missing', policy: 'Always', statuses: [st('a', running)], want: 'Pending' },
    { name: 'running + succeeded', policy: 'Never', statuses: [st('a', running), st('b', terminated(0))], want: 'Running' },
    { name: 'all succeeded, Never', policy: 'Never', statuses: [st('a', terminated(0)), st('b', terminated(0))], want: 'Succeeded' },
    { name: 'all succeeded, OnFailure', policy: 'OnFailure', statuses: [st('a', terminated(0)), st('b', terminated(0))], want: 'Succeeded' },
    { name: 'all succeeded, Always', policy: 'Always', statuses: [st('a', terminated(0)), st('b', terminated(0))], want: 'Running' },
    { name: 'one failed, Never', policy: 'Never', statuses: [st('a', terminated(1)), st('b', terminated(0))], want: 'Failed' },
    { name: 'one failed, OnFailure', policy: 'OnFailure', statuses: [st('a', terminated(1)), st('b', terminated(0))], want: 'Running' },
    { name: 'crash loop counts as stopped', policy: 'Always',
      statuses: [st('a', { waiting: { reason: 'CrashLoopBackOff' } }, terminated(1)), st('b', running)], want: 'Running' },
  ])('$name', ({ policy, statuses, want }) => {
    expect(getPhase(pod({ restartPolicy: policy, containers: two }), statuses)).toBe(want);
  });
});

describe('containerStatus', () => {
  test('no container yet: waiting ContainerCreating', () => {
    expect(containerStatus('app', 'busybox', [])).toEqual({
      name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0,
      image: 'busybox', imageID: '', containerID: undefined, started: false,
    });
  });
  test('running after a crash: lastState is the previous run', () => {
    const s = containerStatus('app', 'busybox', [crStatus({ attempt: 1, state: 'CONTAINER_RUNNING' }), crStatus({ attempt: 0, state: 'CONTAINER_EXITED', exitCode: 2 })]);
    expect(s.state).toEqual({ running: { startedAt: '2025-01-01T00:00:01Z' } });
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error', containerID: 'berth://c-app-0' });
    expect(s).toMatchObject({ ready: true, started: true, restartCount: 1, containerID: 'berth://c-app-1', imageID: 'sha256:abc' });
  });
  test('crash loop: waiting with the latest run as lastState', () => {
    const s = containerStatus('app', 'busybox', [crStatus({ attempt: 3, state: 'CONTAINER_EXITED', exitCode: 1 })], { reason: 'CrashLoopBackOff', message: 'back-off' });
    expect(s.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } });
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 1, finishedAt: '2025-01-01T00:00:02Z' });
    expect(s.restartCount).toBe(3);
  });
  test('completed', () => {
    const s = containerStatus('app', 'busybox', [crStatus({ state: 'CONTAINER_EXITED', exitCode: 0 })]);
    expect(s.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T00:00:01Z' });
    expect(s.ready).toBe(false);
  });
});

describe('buildPodStatus', () => {
  const now = Date.parse('2025-01-01T00:01:00Z');
  const state = (s: ReturnType<typeof crStatus>) => ({ sandboxes: [], podIPs: ['10.88.0.5'], containers: new Map([['app', [s]]]) });

  test('running pod', () => {
    const status = buildPodStatus(pod(), state(crStatus({ state: 'CONTAINER_RUNNING' })), new Map(), { now, hostIP: '127.0.0.1' });
    expect(status).toMatchObject({
      phase: 'Running', podIP: '10.88.0.5', podIPs: [{ ip: '10.88.0.5' }], hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }],
      startTime: '2025-01-01T00:01:00Z', qosClass: 'BestEffort',
    });
    expect(status.conditions?.map((c) => [c.type, c.status])).toEqual([['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
  });
  test('not ready lists the containers', () => {
    const status = buildPodStatus(pod(), { sandboxes: [], podIPs: [], containers: new Map() }, new Map(), { now, hostIP: '127.0.0.1' });
    expect(status.phase).toBe('Pending');
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    expect(status.podIP).toBeUndefined();
  });
  test('keeps lastTransitionTime of unchanged conditions and a terminal phase', () => {
    const p = pod({ restartPolicy: 'Never', phase: 'Succeeded' });
    p.status = { phase: 'Succeeded', startTime: '2024-12-31T00:00:00Z', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-12-31T00:00:05Z' }] };
    const status = buildPodStatus(p, state(crStatus({ state: 'CONTAINER_EXITED', exitCode: 0 })), new Map(), { now, hostIP: '127.0.0.1' });
    expect(status.phase).toBe('Succeeded');
    expect(status.startTime).toBe('2024-12-31T00:00:00Z');
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'PodCompleted', lastTransitionTime: '2024-12-31T00:00:05Z' });
  });
  test('semanticEqual ignores key order and undefined', () => {
    expect(semanticEqual({ a: 1, b: { c: undefined, d: [1] } }, { b: { d: [1] }, a: 1 })).toBe(true);
    expect(semanticEqual({ a: 1 }, { a: 2 })).toBe(false);
  });
});
