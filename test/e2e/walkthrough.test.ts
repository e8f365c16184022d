// The README walk-through, end to end, against a real cluster with the real kubectl: a pod
// runs isolated in its own namespaces, cgroup and root filesystem, a teammate gets credentials
// through a certificate signing request, and the cluster leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startCluster, waitFor, processesInCgroup, mountsMatching, cgroupDirsMatching, repoRoot, type TestCluster } from './cluster';

jest.setTimeout(240_000);

let c: TestCluster;
let stopped = false;
beforeAll(async () => { c = await startCluster('walk'); });
afterAll(async () => { if (c && !stopped) await c.stop(); });

const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', name);

const podJson = async (name: string) => {
  const r = await c.kubectl(['get', 'pod', name, '-o', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { metadata: { uid: string }; status: { containerStatuses?: { containerID?: string }[] } };
};

test('the hello pod runs, logs, and shows in kubectl and berthctl', async () => {
  const applied = await c.kubectl(['apply', '-f', fixture('hello-pod.yaml')]);
  expect(applied).toMatchObject({ code: 0, stdout: 'pod/hello created\n' });
  const wait = await c.kubectl(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=90s']);
  expect(wait.stderr).toBe('');
  expect(wait.code).toBe(0);

  const get = await c.kubectl(['get', 'pods']);
  expect(get.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  expect(get.stdout).toMatch(/\nhello\s+1\/1\s+Running\s+0\s+\S+\n/);

  const logs = await waitFor(async () => {
    const r = await c.kubectl(['logs', 'hello']);
    return r.stdout.includes('hello from berth') && r;
  }, 'hello logs');
  expect(logs.stdout).toBe('hello from berth\n');

  const ours = await c.berthctl(['get', 'pods']);
  expect(ours.code).toBe(0);
  expect(ours.stdout).toMatch(/\nhello\s+1\/1\s+Running\s+0\s+\S+\n/);
});

test('inside the container: own PID namespace, hostname, root filesystem and memory limit', async () => {
  const hostOnly = `/berth-e2e-host-only-${process.pid}`;
  fs.writeFileSync(hostOnly, 'host');
  try {
    const manifest = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'inspect' },
      spec: {
        restartPolicy: 'Never',
        containers: [{
          name: 'inspect', image: 'busybox',
          command: ['sh', '-c', [
            'echo "pid1=$(tr "\\0" " " < /proc/1/cmdline)"',
            'echo "procs=$(ps -o pid= | wc -l)"',
            'echo "hostname=$(hostname)"',
            `if [ -e ${hostOnly} ]; then echo hostfile=visible; else echo hostfile=absent; fi`,
            'echo "memlimit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"',
            'echo done; sleep 3600',
          ].join('; ')],
          resources: { limits: { cpu: '200m', memory: '48Mi' } },
        }],
      },
    };
    expect((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) })).code).toBe(0);
    const out = await waitFor(async () => {
      const r = await c.kubectl(['logs', 'inspect']);
      // A line that is exactly `done`: the word also appears in PID 1's command line, echoed first.
      return r.stdout.split('\n').includes('done') && r.stdout;
    }, 'inspect output', 90_000);
    const seen = Object.fromEntries(out.trim().split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(seen.pid1).toMatch(/^sh -c /);
    // ps lists PID 1 (sh), the subshell running ps, and ps itself at most: nothing of the host.
    expect(Number(seen.procs)).toBeLessThanOrEqual(4);
    expect(seen.hostname).toBe('inspect');
    expect(seen.hostfile).toBe('absent');
    expect(seen.memlimit).toBe(String(48 * 1024 * 1024));
  } finally {
    fs.rmSync(hostOnly, { force: true });
    await c.kubectl(['delete', 'pod', 'inspect', '--grace-period=1']);
  }
});

test('deleting a pod removes its processes, mounts, cgroup and network namespace', async () => {
  const pod = await podJson('hello');
  const uid = pod.metadata.uid;
  const containerID = (pod.status.containerStatuses?.[0]?.containerID ?? '').replace(/^berth:\/\//, '');
  expect(containerID).not.toBe('');
  // Before: the pod is really there, so the checks below can fail.
  expect(processesInCgroup(uid).length).toBeGreaterThan(0);
  // The shim mounts the overlay root inside the container's mount namespace: visible there, not on the host.
  const inside = fs.readFileSync(`/proc/${processesInCgroup(containerID)[0]}/mounts`, 'utf8');
  expect(inside.split('\n').some((l) => l.startsWith('overlay / overlay ') && l.includes(containerID))).toBe(true);
  const cgroupDir = `/sys/fs/cgroup/memory/${c.cgroupParent}/kubepods/pod${uid}`; // Guaranteed: right under kubepods
  expect(fs.existsSync(cgroupDir)).toBe(true);
  const netnsBefore = mountsMatching(path.join(c.home, 'runtime'));
  expect(netnsBefore.some((l) => l.startsWith('nsfs '))).toBe(true);

  const del = await c.kubectl(['delete', 'pod', 'hello']);
  expect(del).toMatchObject({ code: 0, stdout: 'pod "hello" deleted\n' });

  await waitFor(async () => processesInCgroup(uid).length === 0, 'processes gone', 30_000);
  await waitFor(async () => !fs.existsSync(cgroupDir), 'cgroup gone', 30_000);
  expect(mountsMatching(containerID)).toEqual([]);
  expect(mountsMatching(path.join(c.home, 'runtime')).filter((l) => l.startsWith('nsfs '))).toEqual([]);
  expect((await c.kubectl(['get', 'pod', 'hello'])).stderr).toContain('pods "hello" not found');
});

test('a ReplicaSet keeps 3 pods, replaces a deleted one, and scales to 0', async () => {
  expect((await c.kubectl(['apply', '-f', fixture('web-rs.yaml')])).stdout).toBe('replicaset.apps/web created\n');
  const readyPods = async () => {
    const r = await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']);
    const list = JSON.parse(r.stdout) as { items: { metadata: { name: string; deletionTimestamp?: string }; status: { phase?: string } }[] };
    return list.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running').map((p) => p.metadata.name);
  };
  await waitFor(async () => {
    const r = await c.kubectl(['get', 'rs', 'web', '-o', 'jsonpath={.status.readyReplicas}']);
    return r.stdout === '3';
  }, 'rs web 3/3 ready', 120_000);
  const before = await readyPods();
  expect(before).toHaveLength(3);

  const rsTable = await c.kubectl(['get', 'rs,pods']);
  expect(rsTable.stdout).toMatch(/replicaset\.apps\/web\s+3\s+3\s+3\s/);

  expect((await c.kubectl(['delete', 'pod', before[0]])).code).toBe(0);
  const after = await waitFor(async () => {
    const names = await readyPods();
    return names.length === 3 && !names.includes(before[0]) && names;
  }, 'a replacement pod', 120_000);
  expect(after.filter((n) => before.includes(n))).toHaveLength(2);

  const scaled = await c.kubectl(['scale', 'rs', 'web', '--replicas=0']);
  expect(scaled).toMatchObject({ code: 0, stdout: 'replicaset.apps/web scaled\n' });
  await waitFor(async () => {
    const r = await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name']);
    return r.code === 0 && r.stdout.trim() === '';
  }, 'no web pods left', 120_000);
  expect((await c.kubectl(['delete', 'rs', 'web'])).code).toBe(0);
});

describe('bad input is refused with a precise message and nothing is stored', () => {
  test.each([
    { file: 'bad-no-image.yaml', name: 'no-image', message: 'spec.containers[0].image: Required value' },
    { file: 'bad-unknown-field.yaml', name: 'unknown-field', message: 'unknown field "spec.containers[0].imagePullPolicyy"' },
  ])('$file', async ({ file, name, message }) => {
    for (const cli of [c.kubectl, c.berthctl]) {
      const r = await cli(['apply', '-f', fixture(file)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(message);
    }
    expect((await c.kubectl(['get', 'pod', name])).stderr).toContain(`pods "${name}" not found`);
  });

  test('broken YAML names the line', async () => {
    for (const cli of [c.kubectl, c.berthctl]) {
      const r = await cli(['apply', '-f', fixture('bad-yaml.yaml')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/line \d+/);
    }
    expect((await c.kubectl(['get', 'pod', 'broken'])).stderr).toContain('pods "broken" not found');
  });
});

test('a teammate gets credentials through a CertificateSigningRequest; RBAC decides what they may do', async () => {
  const key = path.join(c.home, 'jane.key');
  const csr = path.join(c.home, 'jane.csr');
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=jane/O=devs'], { stdio: 'ignore' });
  const manifest = `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: jane}
spec: {request: ${fs.readFileSync(csr).toString('base64')}, signerName: kubernetes.io/kube-apiserver-client, usages: [client auth]}
`;
  expect(await c.kubectl(['apply', '-f', '-'], { input: manifest })).toMatchObject({ code: 0 });
  expect(await c.kubectl(['certificate', 'approve', 'jane'])).toMatchObject({ code: 0, stdout: 'certificatesigningrequest.certificates.k8s.io/jane approved\n' });
  // The controller-manager `berth up` started signs with the cluster CA.
  const issued = await waitFor(async () => {
    const r = await c.kubectl(['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}']);
    return r.stdout !== '' && r.stdout;
  }, 'the certificate to be issued');
  const cert = path.join(c.home, 'jane.crt');
  fs.writeFileSync(cert, Buffer.from(issued, 'base64'));
  expect(await c.kubectl(['create', 'rolebinding', 'jane-view', '--clusterrole=view', '--user=jane'])).toMatchObject({ code: 0 });
  await waitFor(async () => (await c.kubectl(['auth', 'can-i', 'list', 'pods', '--as=jane'])).stdout === 'yes\n', 'the aggregated view role to reach jane');
  expect(await c.kubectl(['config', 'set-credentials', 'jane', `--client-certificate=${cert}`, `--client-key=${key}`, '--embed-certs'])).toMatchObject({ code: 0 });
  expect(await c.kubectl(['config', 'set-context', 'jane', '--cluster=berth', '--user=jane'])).toMatchObject({ code: 0 });
  const who = await c.kubectl(['--context=jane', 'auth', 'whoami']);
  expect(who.stdout).toMatch(/Username +jane\nGroups +\[devs system:authenticated\]\n$/);
  expect((await c.kubectl(['--context=jane', 'get', 'pods'])).code).toBe(0);
  const secrets = await c.kubectl(['--context=jane', 'get', 'secrets']);
  expect(secrets.stderr).toContain('secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"');
});

test('berth down leaves no process, mount, cgroup or bridge behind', async () => {
  const keep = await c.kubectl(['apply', '-f', fixture('hello-pod.yaml')]);
  expect(keep.code).toBe(0);
  await c.kubectl(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=90s']);
  expect(processesInCgroup(c.cgroupParent).length).toBeGreaterThan(0);
  await c.stop();
  stopped = true;
  expect(processesInCgroup(c.cgroupParent)).toEqual([]);
  expect(mountsMatching(c.home)).toEqual([]);
  expect(cgroupDirsMatching(c.cgroupParent)).toEqual([]);
  expect(execFileSync('ip', ['-o', 'link', 'show']).toString()).not.toContain(c.bridge);
  expect(fs.existsSync(c.home)).toBe(false);
});
