// Issue 6, node-facing pod features through kubectl on a real cluster: a pod with hostNetwork,
// hostPID and hostIPC sees the node's interfaces, a host process and a host SysV segment, and
// reports the node's IP as its own; pod sysctls land in the pod's namespaces and unsafe ones are
// refused as kubelet does (SysctlForbidden); a secret volume lives on a tmpfs that goes with the pod.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(240_000);

let c: TestCluster;
const hostLink = `bhe${crypto.randomBytes(3).toString('hex')}`; // a bridge: this kernel has no dummy links
let sleeper: ChildProcess | undefined;
let shmId: string | undefined;

beforeAll(async () => {
  execFileSync('ip', ['link', 'add', hostLink, 'type', 'bridge']);
  c = await startCluster('hostfeat');
});
afterAll(async () => {
  if (c) await c.stop();
  sleeper?.kill('SIGKILL');
  if (shmId) execFileSync('ipcrm', ['-m', shmId]);
  execFileSync('ip', ['link', 'del', hostLink]);
});

const apply = async (manifest: object) => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
  expect(r.stderr).toBe('');
};

const logsWith = (pod: string, marker: string) => waitFor(async () => {
  const r = await c.kubectl(['logs', pod]);
  return r.code === 0 && r.stdout.includes(marker) && r.stdout;
}, `${pod} logs with ${marker}`);

const jsonpath = async (pod: string, expr: string) => (await c.kubectl(['get', 'pod', pod, '-o', `jsonpath=${expr}`])).stdout;

test('hostNetwork + hostPID + hostIPC: the node\'s interfaces, a host process, a host SysV segment; podIP = hostIP', async () => {
  const marker = String(40000 + crypto.randomBytes(2).readUInt16BE(0));
  sleeper = spawn('sleep', [marker], { stdio: 'ignore' });
  shmId = /(\d+)/.exec(execFileSync('ipcmk', ['-M', '4096'], { encoding: 'utf8' }))?.[1];
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hostns' },
    spec: {
      terminationGracePeriodSeconds: 0, hostNetwork: true, hostPID: true, hostIPC: true,
      containers: [{
        name: 'main', image: 'busybox',
        env: [{ name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
        command: ['sh', '-c', [
          'cat /proc/net/dev', 'for p in /proc/[0-9]*; do echo "cmd: $(tr "\\0" " " < $p/cmdline)"; done 2>/dev/null',
          'awk \'NR > 1 { print "shmid=" $2 }\' /proc/sysvipc/shm', 'echo "hostname=$(hostname)"', 'echo "env-ip=$MY_POD_IP"', 'echo "end-$((6 * 7))"', 'exec sleep 3600',
        ].join('; ')],
      }],
    },
  });
  // The marker is computed: the container's own command line (listed with the host's processes) must not contain it.
  const out = await logsWith('hostns', 'end-42\n');
  expect(out).toMatch(new RegExp(`\\n\\s*${hostLink}:`));
  expect(out).toContain(`cmd: sleep ${marker} \n`);
  expect(out).toContain(`shmid=${shmId}\n`);
  expect(out).toContain(`hostname=${os.hostname()}\n`);
  const hostIP = await jsonpath('hostns', '{.status.hostIP}');
  expect(hostIP).not.toBe('');
  expect(await jsonpath('hostns', '{.status.podIP}')).toBe(hostIP);
  expect(out).toContain(`env-ip=${hostIP}\n`);
  expect((await c.kubectl(['delete', 'pod', 'hostns', '--wait=true'])).code).toBe(0);
  expect(sleeper.exitCode).toBeNull(); // the teardown left the host's processes, links and segments alone
  expect(execFileSync('ip', ['-o', 'link', 'show', hostLink], { encoding: 'utf8' })).toContain(hostLink);
  expect(execFileSync('ipcs', ['-m'], { encoding: 'utf8' })).toMatch(new RegExp(`\\b${shmId}\\b`));
});

test('safe sysctls are set inside the pod; an unsafe one is refused with SysctlForbidden', async () => {
  const hostRange = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sysctls' },
    spec: {
      terminationGracePeriodSeconds: 0,
      securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '30000 30999' }, { name: 'kernel.shm_rmid_forced', value: '1' }] },
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_local_port_range /proc/sys/kernel/shm_rmid_forced; echo ready; exec sleep 3600'] }],
    },
  });
  expect(await logsWith('sysctls', 'ready')).toBe('30000\t30999\n1\nready\n');
  expect(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).toBe(hostRange);

  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unsafe' },
    spec: { securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] }, containers: [{ name: 'main', image: 'busybox', command: ['true'] }] },
  });
  await waitFor(async () => (await jsonpath('unsafe', '{.status.phase}')) === 'Failed', 'unsafe pod Failed');
  expect(await jsonpath('unsafe', '{.status.reason}')).toBe('SysctlForbidden');
  expect(await jsonpath('unsafe', '{.status.message}')).toBe('forbidden sysctl: "net.core.somaxconn" not allowlisted');
  expect((await c.kubectl(['delete', 'pod', 'sysctls', 'unsafe', '--wait=true'])).code).toBe(0);
});

test('a secret volume is a tmpfs of its own (in the container and on the node), gone with the pod', async () => {
  await apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 's3cret' } });
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'secret-user' },
    spec: {
      terminationGracePeriodSeconds: 0, volumes: [{ name: 'creds', secret: { secretName: 'creds' } }],
      containers: [{
        name: 'main', image: 'busybox', volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }],
        command: ['sh', '-c', 'echo "pw=$(cat /etc/creds/password)"; echo "fs=$(awk \'$2 == "/etc/creds" { print $3 }\' /proc/mounts)"; echo ready; exec sleep 3600'],
      }],
    },
  });
  const out = await logsWith('secret-user', 'ready');
  expect(out).toContain('pw=s3cret\n');
  expect(out).toContain('fs=tmpfs\n');
  const uid = await jsonpath('secret-user', '{.metadata.uid}');
  const volDir = path.join(c.home, 'agent', 'pods', uid, 'volumes', 'kubernetes.io~secret', 'creds');
  const nodeMount = () => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === volDir);
  expect(nodeMount()).toMatch(/ - tmpfs /);
  expect((await c.kubectl(['delete', 'pod', 'secret-user', '--wait=true'])).code).toBe(0);
  await waitFor(async () => !fs.existsSync(path.dirname(path.dirname(path.dirname(volDir)))), 'pod directory removed');
  expect(nodeMount()).toBeUndefined();
});

test('seccompProfile: RuntimeDefault filters (unshare refused), Localhost reads <agent root>/seccomp/<file>, none is Unconfined', async () => {
  const profileDir = path.join(c.home, 'agent', 'seccomp', 'profiles');
  fs.mkdirSync(profileDir, { recursive: true });
  fs.writeFileSync(path.join(profileDir, 'no-mkdir.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }));
  const script = 'grep "^Seccomp:" /proc/self/status; unshare -U true 2>&1; mkdir /tmp/x 2>&1 && echo mkdir=ok; echo "end-$((6 * 7))"; exec sleep 3600';
  const podWith = (name: string, seccompProfile?: object) => apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script], ...(seccompProfile ? { securityContext: { seccompProfile } } : {}) }] },
  });
  await podWith('sc-default', { type: 'RuntimeDefault' });
  await podWith('sc-local', { type: 'Localhost', localhostProfile: 'profiles/no-mkdir.json' });
  await podWith('sc-none');
  const def = await logsWith('sc-default', 'end-42');
  expect(def).toMatch(/^Seccomp:\t2\n.*Operation not permitted\nmkdir=ok\n/s);
  const local = await logsWith('sc-local', 'end-42');
  expect(local).toMatch(/^Seccomp:\t2\n/);
  expect(local).toMatch(/Permission denied/);
  expect(local).not.toContain('mkdir=ok');
  expect(await logsWith('sc-none', 'end-42')).toMatch(/^Seccomp:\t0\n/);
  expect((await c.kubectl(['delete', 'pod', 'sc-default', 'sc-local', 'sc-none', '--wait=true'])).code).toBe(0);
});

test('an AppArmor profile on this node (no AppArmor in the kernel) is refused at admission, as kubelet does', async () => {
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'apparmor' },
    spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'main', image: 'busybox', command: ['true'] }] },
  });
  await waitFor(async () => (await jsonpath('apparmor', '{.status.phase}')) === 'Failed', 'apparmor pod Failed');
  expect(await jsonpath('apparmor', '{.status.reason}')).toBe('AppArmor');
  expect(await jsonpath('apparmor', '{.status.message}')).toBe('Cannot enforce AppArmor: AppArmor is not enabled on the host');
  expect((await c.kubectl(['delete', 'pod', 'apparmor', '--wait=true'])).code).toBe(0);
});
