// Issue 6, pod level, through kubectl on a real cluster: volumes (an emptyDir shared by two
// containers, a configMap read by the container and updated in place, a read-only hostPath that
// refuses writes, downwardAPI labels), hostPort reached on 127.0.0.1, the pod's /etc/resolv.conf
// and managed /etc/hosts (hostAliases, subdomain), and shareProcessNamespace.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(240_000);

let c: TestCluster;
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-hostpath-'));
beforeAll(async () => { c = await startCluster('features'); });
afterAll(async () => {
  if (c) await c.stop();
  fs.rmSync(hostDir, { recursive: true, force: true });
});

const apply = async (manifest: object) => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
  expect(r.stderr).toBe('');
};

/** The container's log once it contains `marker` (kubectl logs). */
const logsWith = (pod: string, container: string, marker: string) => waitFor(async () => {
  const r = await c.kubectl(['logs', pod, '-c', container]);
  return r.code === 0 && r.stdout.includes(marker) && r.stdout;
}, `${pod}/${container} logs with ${marker}`);

const httpGet = (port: number): Promise<string | undefined> => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 2000 }, (res) => {
    let body = '';
    res.on('data', (d: Buffer) => { body += d.toString(); });
    res.on('end', () => resolve(body));
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => resolve(undefined));
});

test('volumes: emptyDir shared by two containers, configMap files (updated in place), read-only hostPath, downwardAPI', async () => {
  fs.writeFileSync(path.join(hostDir, 'from-host'), 'host-data');
  await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { 'greeting.txt': 'hello from a configMap' } });
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'vols', labels: { app: 'vols', tier: 'test' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      volumes: [
        { name: 'shared', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
        { name: 'config', configMap: { name: 'app-config' } }, { name: 'host', hostPath: { path: hostDir, type: 'Directory' } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      ],
      containers: [
        { name: 'writer', image: 'busybox', volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          command: ['sh', '-c', 'echo written-by-writer > /shared/msg; exec sleep 3600'] },
        { name: 'reader', image: 'busybox', volumeMounts: [
          { name: 'shared', mountPath: '/data' }, { name: 'config', mountPath: '/etc/app' }, { name: 'host', mountPath: '/host', readOnly: true },
          { name: 'info', mountPath: '/etc/podinfo' }, { name: 'mem', mountPath: '/mem' },
        ], command: ['sh', '-c', [
          'until [ -f /data/msg ]; do sleep 0.1; done', 'echo "shared=$(cat /data/msg)"', 'echo "config=$(cat /etc/app/greeting.txt)"',
          'echo "host=$(cat /host/from-host)"', '(echo x > /host/new) 2>/dev/null && echo host-write=allowed || echo host-write=refused',
          'echo "labels=$(tr "\\n" " " < /etc/podinfo/labels)"', 'echo "mem=$(df -k /mem | tail -1 | tr -s " " | cut -d" " -f2)"', 'echo ready',
          'last=""; while :; do v=$(cat /etc/app/greeting.txt); [ "$v" != "$last" ] && echo "now=$v" && last=$v; sleep 0.2; done',
        ].join('; ')] },
      ],
    },
  });
  const out = await logsWith('vols', 'reader', 'ready');
  expect(out).toContain('shared=written-by-writer\n');
  expect(out).toContain('config=hello from a configMap\n');
  expect(out).toContain('host=host-data\n');
  expect(out).toContain('host-write=refused\n');
  expect(out).toContain('labels=app="vols" tier="test"\n'); // FormatMap: no newline after the last line
  expect(out).toContain('mem=8192\n'); // the tmpfs of a Memory emptyDir has the sizeLimit
  expect(fs.existsSync(path.join(hostDir, 'new'))).toBe(false);

  // A changed configMap reaches the running container through the ..data swap.
  await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { 'greeting.txt': 'updated' } });
  await logsWith('vols', 'reader', 'now=updated');

  const uid = (await c.kubectl(['get', 'pod', 'vols', '-o', 'jsonpath={.metadata.uid}'])).stdout;
  const podDir = path.join(c.home, 'agent', 'pods', uid);
  expect(fs.existsSync(podDir)).toBe(true);
  expect((await c.kubectl(['delete', 'pod', 'vols', '--wait=true'])).code).toBe(0);
  await waitFor(async () => !fs.existsSync(podDir), 'pod directory removed');
  expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(podDir);
});

test('hostPort 18081 → 80 reached on 127.0.0.1; the managed /etc/hosts and resolv.conf', async () => {
  const token = crypto.randomBytes(4).toString('hex');
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
    spec: {
      terminationGracePeriodSeconds: 0, hostname: 'web-0', subdomain: 'websvc',
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['db.local', 'db'] }],
      dnsConfig: { searches: ['extra.example'], options: [{ name: 'ndots', value: '2' }] },
      containers: [{
        name: 'httpd', image: 'busybox', ports: [{ containerPort: 80, hostPort: 18081 }],
        command: ['sh', '-c', `cat /etc/hosts /etc/resolv.conf; hostname; echo ready; mkdir -p /www && echo ${token} > /www/index.html && exec httpd -f -p 80 -h /www`],
      }],
    },
  });
  const out = await logsWith('web', 'httpd', 'ready');
  expect(out).toContain('# Kubernetes-managed hosts file.\n');
  expect(out).toMatch(/\n10\.\d+\.\d+\.\d+\tweb-0\.websvc\.default\.svc\.cluster\.local\tweb-0\n/);
  expect(out).toContain('# Entries added by HostAliases.\n10.1.2.3\tdb.local\tdb\n');
  // No cluster DNS is configured: ClusterFirst falls back to the host's resolver, plus the pod's dnsConfig.
  const host = fs.readFileSync('/etc/resolv.conf', 'utf8');
  for (const ns of host.split('\n').filter((l) => l.startsWith('nameserver')).slice(0, 3)) expect(out).toContain(`${ns}\n`);
  expect(out).toMatch(/\nsearch (.* )?extra\.example\n/);
  expect(out).toMatch(/\noptions (.* )?ndots:2\b/);
  expect(out).toContain('\nweb-0\n');
  expect(await waitFor(() => httpGet(18081), 'hostPort 18081')).toBe(`${token}\n`);
  expect((await c.kubectl(['delete', 'pod', 'web', '--wait=true'])).code).toBe(0);
  await waitFor(async () => (await httpGet(18081)) === undefined, 'hostPort released');
});

test('shareProcessNamespace: the containers of one pod see each other\'s processes, another pod does not', async () => {
  const ps = 'for p in /proc/[0-9]*; do echo "$(tr "\\0" " " < $p/cmdline)"; done';
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shared-pid' },
    spec: {
      terminationGracePeriodSeconds: 0, shareProcessNamespace: true,
      containers: [
        { name: 'sleeper', image: 'busybox', command: ['sleep', '4711'] },
        { name: 'looker', image: 'busybox', command: ['sh', '-c', `until ${ps} | grep -q "^sleep 4711"; do sleep 0.2; done; ${ps}; echo seen; exec sleep 3600`] },
      ],
    },
  });
  const out = await logsWith('shared-pid', 'looker', 'seen');
  expect(out).toContain('pause \n');
  expect(out).toContain('sleep 4711 \n');
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'alone' },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'looker', image: 'busybox', command: ['sh', '-c', `${ps}; echo listed; exec sleep 3600`] }] },
  });
  const alone = await logsWith('alone', 'looker', 'listed');
  expect(alone).not.toContain('sleep 4711');
  expect(alone).not.toContain('pause');
  expect((await c.kubectl(['delete', 'pod', 'shared-pid', 'alone', '--wait=true'])).code).toBe(0);
});

test('kubectl attach -i feeds the container\'s own stdin (stdin + stdinOnce): its EOF ends the process', async () => {
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reader' },
    spec: {
      terminationGracePeriodSeconds: 0, restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'busybox', stdin: true, stdinOnce: true, command: ['sh', '-c', 'echo started; while read l; do echo "echo:$l"; done; echo eof-seen'] }],
    },
  });
  await logsWith('reader', 'main', 'started');
  const r = await c.kubectl(['attach', '-i', 'reader', '-c', 'main'], { input: 'one\ntwo\n' });
  expect(r.stdout).toContain('echo:one\necho:two\neof-seen\n');
  await waitFor(async () => (await c.kubectl(['get', 'pod', 'reader', '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded', 'reader Succeeded');
  expect((await c.kubectl(['delete', 'pod', 'reader', '--wait=true'])).code).toBe(0);
});
