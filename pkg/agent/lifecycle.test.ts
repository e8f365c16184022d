import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findResource } from '../../api/resources';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { runPostStart, stopContainerWithHook } from './lifecycle';
import { terminatePod } from './pod-teardown';
import type { ApiPod } from './pod-util';
import type { ExecSyncer } from './prober';
import { container, pod } from './test-builders';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const setup = () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const events: string[] = [];
  const execs: string[] = [];
  const exitCodes = new Map<string, number>();
  const exec: ExecSyncer = {
    execSync: async (id, cmd, timeout) => {
      execs.push(`${id} ${cmd.join(' ')} ${timeout}`);
      if (cmd[0] === 'hang') await new Promise<void>((resolve) => clock.setTimer(resolve, 3_600_000));
      return { exitCode: exitCodes.get(cmd[0]) ?? 0, stdout: Buffer.from(''), stderr: Buffer.from(`${cmd[0]} said no\n`) };
    },
  };
  const d = { runtime, clock, log: silentLogger(), exec, recorder: { event: (_o: unknown, type: string, reason: string, message: string) => events.push(`${type} ${reason} ${message}`) } };
  const start = async (name: string) => {
    const sb = await runtime.runPodSandbox({ metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 0 }, hostname: 'web', logDirectory: '/l', labels: { 'io.kubernetes.pod.uid': 'uid-1' }, annotations: {} });
    const id = await runtime.createContainer(sb, {
      metadata: { name, attempt: 0 }, image: { image: 'busybox' }, command: [], args: [], workingDir: '', envs: [],
      labels: { 'io.kubernetes.pod.uid': 'uid-1', 'io.kubernetes.container.name': name }, annotations: {}, logPath: 'x.log',
    });
    await runtime.startContainer(id);
    return id;
  };
  return { clock, runtime, events, execs, exitCodes, d, start };
};

describe('lifecycle hooks', () => {
  test('postStart exec success keeps the container; failure is FailedPostStartHook and kills it', async () => {
    const t = setup();
    const id = await t.start('app');
    const ok = container('app', { lifecycle: { postStart: { exec: { command: ['ok'] } } } });
    expect(await runPostStart(pod(), { container: ok, containerId: id, podIP: '10.0.0.5' }, t.d)).toBe(true);
    expect(t.runtime.containers.get(id)?.status.state).toBe('CONTAINER_RUNNING');
    t.exitCodes.set('bad', 2);
    const bad = container('app', { lifecycle: { postStart: { exec: { command: ['bad', 'x'] } } } });
    expect(await runPostStart(pod(), { container: bad, containerId: id, podIP: '10.0.0.5' }, t.d)).toBe(false);
    expect(t.runtime.containers.get(id)?.status.state).toBe('CONTAINER_EXITED');
    expect(t.events[0]).toMatch(/^Warning FailedPostStartHook Exec lifecycle hook \(\[bad x\]\) for Container "app" in Pod "web_default\(uid-1\)" failed - error: command 'bad x' exited with 2: bad said no/);
  });

  test('postStart httpGet goes to the pod IP', async () => {
    const t = setup();
    const id = await t.start('app');
    const paths: string[] = [];
    const server = http.createServer((req, res) => { paths.push(req.url ?? ''); res.end(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const c = container('app', { lifecycle: { postStart: { httpGet: { path: '/started', port } } } });
      expect(await runPostStart(pod(), { container: c, containerId: id, podIP: '127.0.0.1' }, t.d)).toBe(true);
      expect(paths).toEqual(['/started']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('preStop runs before the stop; a hook that outlives the grace period is FailedPreStopHook and the stop gets the minimum 2s', async () => {
    const t = setup();
    const id = await t.start('app');
    const c = container('app', { lifecycle: { preStop: { exec: { command: ['drain'] } } } });
    await stopContainerWithHook(pod(), c, id, '', 30, t.d);
    expect(t.execs).toEqual([`${id} drain 30`]);
    expect(t.runtime.calls.slice(-1)).toEqual([`stopContainer ${id} 30`]);

    const id2 = await t.start('app');
    const hang = container('app', { lifecycle: { preStop: { exec: { command: ['hang'] } } } });
    const done = stopContainerWithHook(pod(), hang, id2, '', 5, t.d);
    await flush();
    t.clock.step(5000);
    await done;
    expect(t.events).toEqual(['Warning FailedPreStopHook PreStopHook for Container "app" in Pod "web_default(uid-1)" did not complete in 5s']);
    expect(t.runtime.calls.slice(-1)).toEqual([`stopContainer ${id2} 2`]);
  });

  test('graceful deletion runs the preStop hooks of running containers first', async () => {
    const t = setup();
    const id = await t.start('app');
    const podsInfo = findResource('', 'v1', 'pods');
    if (!podsInfo) throw new Error('pods resource missing');
    const pods = new FakeResourceClient<ApiPod>(podsInfo);
    const p = pod({ deletionGracePeriodSeconds: 10, containers: [container('app', { lifecycle: { preStop: { exec: { command: ['drain'] } } } })] });
    pods.seed('default', p);
    await terminatePod(p, pods, t.d);
    expect(t.execs).toEqual([`${id} drain 10`]);
    expect(t.runtime.calls.filter((c) => c.startsWith('stopContainer'))).toEqual([`stopContainer ${id} 10`]);
    expect(t.runtime.containers.size).toBe(0);
  });
});
