// Issue 6 acceptance, pod level: what kubectl shows for limits and isolation on a real cluster —
// an OOM-killed container (state and lastState OOMKilled, exit 137), the pod cgroups under the QoS
// parents with their limits, and two containers of one pod sharing localhost and IPC.
import fs from 'node:fs';
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(240_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('iso'); });
afterAll(async () => { if (c) await c.stop(); });

interface Terminated { reason?: string; exitCode?: number }
interface ContainerStatusView { name: string; restartCount: number; state?: { terminated?: Terminated }; lastState?: { terminated?: Terminated } }
interface PodView { metadata: { uid: string }; status: { phase?: string; qosClass?: string; containerStatuses?: ContainerStatusView[] } }

const apply = async (manifest: object) => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
  expect(r.stderr).toBe('');
};
const getPod = async (name: string): Promise<PodView> => {
  const r = await c.kubectl(['get', 'pod', name, '-o', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as PodView;
};
const podCgroup = (controller: string, qosDir: string, uid: string) => `/sys/fs/cgroup/${controller}/${c.cgroupParent}/kubepods${qosDir}/pod${uid}`;

const oomPod = (name: string, restartPolicy: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: {
    restartPolicy, terminationGracePeriodSeconds: 0,
    containers: [{
      name: 'hog', image: 'busybox', command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
      resources: { limits: { cpu: '100m', memory: '32Mi' } },
    }],
  },
});

test('a container past its memory limit is OOMKilled (137): state, lastState and the kubectl STATUS column', async () => {
  await apply(oomPod('oom-never', 'Never'));
  await apply(oomPod('oom-always', 'Always'));

  const never = await waitFor(async () => {
    const p = await getPod('oom-never');
    return p.status.containerStatuses?.[0]?.state?.terminated && p;
  }, 'oom-never terminated');
  expect(never.status.containerStatuses?.[0]?.state?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  expect(never.status.qosClass).toBe('Guaranteed');
  await waitFor(async () => (await getPod('oom-never')).status.phase === 'Failed', 'oom-never Failed');
  expect((await c.kubectl(['get', 'pod', 'oom-never'])).stdout).toMatch(/\noom-never\s+0\/1\s+OOMKilled\s+0\s/);

  const always = await waitFor(async () => {
    const p = await getPod('oom-always');
    const cs = p.status.containerStatuses?.[0];
    return cs && cs.restartCount >= 1 && cs.lastState?.terminated && p;
  }, 'oom-always restarted');
  expect(always.status.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });

  // Guaranteed: the pod cgroup sits right under kubepods, limited like its one container, with the pids limit.
  const read = (controller: string, file: string) => fs.readFileSync(`${podCgroup(controller, '', always.metadata.uid)}/${file}`, 'utf8').trim();
  expect(read('memory', 'memory.limit_in_bytes')).toBe(String(32 << 20));
  expect(read('cpu', 'cpu.cfs_quota_us')).toBe('10000');
  expect(read('pids', 'pids.max')).toBe('4096');

  for (const name of ['oom-never', 'oom-always']) expect((await c.kubectl(['delete', 'pod', name, '--wait=true'])).code).toBe(0);
});

test('two containers of one pod reach each other on localhost and share IPC; a BestEffort pod cgroup', async () => {
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pair' },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        { name: 'server', image: 'busybox', command: ['sh', '-c',
          'mkdir -p /www && echo pong > /www/index.html && echo shared-token > /dev/shm/t && readlink /proc/self/ns/ipc && exec httpd -f -p 8080 -h /www'] },
        { name: 'client', image: 'busybox', command: ['sh', '-c',
          'until wget -qO- http://127.0.0.1:8080/ 2>/dev/null; do sleep 0.2; done; cat /dev/shm/t; readlink /proc/self/ns/ipc; exec sleep 3600'] },
      ],
    },
  });
  const logs = await waitFor(async () => {
    const r = await c.kubectl(['logs', 'pair', '-c', 'client']);
    return r.stdout.split('\n').length >= 4 && r.stdout;
  }, 'client logs');
  const server = (await c.kubectl(['logs', 'pair', '-c', 'server'])).stdout;
  const [pong, token, ipc] = logs.split('\n');
  expect([pong, token]).toEqual(['pong', 'shared-token']);
  expect(server.trim()).toBe(ipc);

  const pod = await getPod('pair');
  expect(pod.status.qosClass).toBe('BestEffort');
  expect(fs.readFileSync(`${podCgroup('cpu', '/besteffort', pod.metadata.uid)}/cpu.shares`, 'utf8').trim()).toBe('2');
  expect((await c.kubectl(['delete', 'pod', 'pair', '--wait=true'])).code).toBe(0);
  await waitFor(async () => !fs.existsSync(podCgroup('cpu', '/besteffort', pod.metadata.uid)), 'pod cgroup removed');
});
