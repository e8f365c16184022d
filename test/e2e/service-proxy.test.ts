// Services on a real one-node cluster: the proxy (`berth proxy`, started by `berth server`)
// sends a ClusterIP's traffic to both httpd pods of a Deployment, a NodePort answers on the
// host's 127.0.0.1 and on the bridge address, a pod reaches itself through its Service
// (hairpin), ClientIP affinity sticks, a Service scaled to 0 refuses connections, and `berth down` leaves no BERTH-*
// chain, jump rule or service CIDR route behind. Fixed ports, bridge and pod CIDR of our own
// (offset 2950, br9, 10.99.0.0/24), so the chains are BERTH-BR9-*.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { busyboxArchive, repoRoot, waitFor } from './cluster';

jest.setTimeout(120_000);

const run = promisify(execFile);
const berth = path.join(repoRoot, 'dist', 'cmd', 'berth', 'main.js');
const bridge = 'br9';
const gateway = '10.99.0.1';
const prefix = 'BERTH-BR9';
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-proxy-'));
const kubeconfig = path.join(home, 'kubeconfig');

const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 90_000 })).stdout;
const natRules = async (): Promise<string> => (await run('iptables-save', ['-t', 'nat'])).stdout;
const filterRules = async (): Promise<string> => (await run('iptables-save', ['-t', 'filter'])).stdout;
const serviceRoutes = async (): Promise<string> => (await run('ip', ['route', 'show', '10.96.0.0/16'])).stdout;
const ours = (text: string) => text.split('\n').filter((l) => l.includes(prefix));

/** One HTTP GET through busybox nc from inside `pod` per line: the page's last line, or nc's error. */
const fetchFromPod = async (pod: string, url: string, times: number): Promise<string[]> => {
  const { hostname, port } = new URL(url);
  const script = `for i in $(seq ${times}); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${hostname} ${port || 80} 2>&1 | tail -1; done`;
  return (await kubectl('exec', pod, '--', 'sh', '-c', script)).trim().split('\n');
};

const hostGet = (host: string, port: number): Promise<string> => hostGetPath(host, port, '/');

function hostGetPath(host: string, port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: urlPath, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body.trim()));
    }).on('error', reject).on('timeout', function (this: http.ClientRequest) { this.destroy(new Error('timeout')); });
  });
}

const manifest = JSON.stringify({
  apiVersion: 'v1', kind: 'List', items: [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{
              name: 'httpd', image: 'busybox', imagePullPolicy: 'Never', ports: [{ containerPort: 8080 }],
              command: ['sh', '-c', 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www'],
            }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sticky' }, spec: { selector: { app: 'web' }, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 8080 }] } },
    {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
    },
  ],
});

let clusterIP = '';
let nodePort = 0;
let backends: string[] = [];

beforeAll(async () => {
  await run(process.execPath, [berth, 'up', '--home', home, '--port-offset', '2950', '--node-name', 'h9-proxy', '--bridge', bridge,
    '--pod-cidr', '10.99.0.0/24', '--cgroup-parent', 'berth-h9', '--image', busyboxArchive, '--timeout', '90'], { timeout: 100_000 });
  const applied = await new Promise<string>((resolve, reject) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(manifest);
  });
  expect(applied).toContain('service/web created');
  await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
  await kubectl('wait', '--for=condition=Ready', 'pod/client', '--timeout=60s');
  const svc = JSON.parse(await kubectl('get', 'service', 'web', '-o', 'json')) as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
  clusterIP = svc.spec.clusterIP;
  nodePort = svc.spec.ports[0].nodePort;
  backends = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(' ').sort();
  // The EndpointSlice controller and then the proxy (at most 1 s between syncs) follow the pods.
  await waitFor(async () => (await fetchFromPod('client', `http://${clusterIP}:80`, 1))[0].startsWith('hello from'), 'the service to answer');
});

afterAll(async () => {
  const down = await run(process.execPath, [berth, 'down', '--home', home, '--purge'], { timeout: 90_000 }).then(() => '', (err: unknown) => String(err));
  const leftNat = ours(await natRules());
  const leftFilter = ours(await filterRules());
  const leftRoutes = (await serviceRoutes()).split('\n').filter((l) => l.includes('berthsvc-br9'));
  if (leftNat.length || leftFilter.length) await run(process.execPath, [berth, 'proxy', '--cleanup', '--bridge', bridge]);
  fs.rmSync(home, { recursive: true, force: true });
  expect(down).toBe('');
  expect({ leftNat, leftFilter, leftRoutes }).toEqual({ leftNat: [], leftFilter: [], leftRoutes: [] });
});

test('a ClusterIP reaches both httpd pods from a third pod', async () => {
  const pages = await fetchFromPod('client', `http://${clusterIP}:80`, 20);
  expect(pages.every((p) => p.startsWith('hello from web-'))).toBe(true);
  expect([...new Set(pages.map((p) => p.replace('hello from ', '')))].sort()).toEqual(backends);
});

test('the host reaches a ClusterIP too (the service CIDR routes to a discard interface, not a blackhole)', async () => {
  expect(await hostGet(clusterIP, 80)).toMatch(/^hello from web-/);
});

test('a NodePort answers on the host\'s 127.0.0.1 and on the bridge address', async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) {
    seen.add(await hostGet('127.0.0.1', nodePort));
    seen.add(await hostGet(gateway, nodePort));
  }
  expect([...seen].sort()).toEqual(backends.map((b) => `hello from ${b}`));
});

test('the apiserver proxies to a pod, to the service\'s endpoints and to the node\'s agent', async () => {
  expect((await kubectl('get', '--raw', `/api/v1/namespaces/default/pods/${backends[0]}:8080/proxy/index.html`)).trim()).toBe(`hello from ${backends[0]}`);
  // No port: the first port the pod declares.
  expect((await kubectl('get', '--raw', `/api/v1/namespaces/default/pods/${backends[1]}/proxy/`)).trim()).toBe(`hello from ${backends[1]}`);
  const pages = new Set<string>();
  for (let i = 0; i < 12; i++) pages.add((await kubectl('get', '--raw', '/api/v1/namespaces/default/services/web:http/proxy/')).trim());
  expect([...pages].sort()).toEqual(backends.map((b) => `hello from ${b}`));
  expect((await kubectl('get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/index.html')).trim()).toMatch(/^hello from web-/);
  expect((await kubectl('get', '--raw', '/api/v1/nodes/h9-proxy/proxy/healthz')).trim()).toBe('ok');
  expect(await kubectl('get', '--raw', '/api/v1/nodes/h9-proxy/proxy/metrics/resource')).toContain('container_cpu_usage_seconds_total');
});

test('kubectl proxy serves a service on the host through the apiserver', async () => {
  // --port=0: kubectl picks a free port and says which ("Starting to serve on 127.0.0.1:<port>").
  const proxy = execFile('kubectl', ['--kubeconfig', kubeconfig, 'proxy', '--port=0']);
  let said = '';
  proxy.stdout?.on('data', (d: Buffer) => { said += d.toString(); });
  try {
    await waitFor(async () => /:(\d+)/.test(said), 'kubectl proxy to start');
    const port = Number(/:(\d+)/.exec(said)?.[1]);
    let page = '';
    await waitFor(async () => {
      page = await hostGetPath('127.0.0.1', port, '/api/v1/namespaces/default/services/web:http/proxy/index.html').catch(() => '');
      return page !== '';
    }, 'kubectl proxy to serve');
    expect(page).toMatch(/^hello from web-/);
  } finally {
    proxy.kill();
  }
});

test('a pod reaches itself through its own Service (hairpin)', async () => {
  const pages = await fetchFromPod(backends[0], `http://${clusterIP}:80`, 20);
  expect(pages).toContain(`hello from ${backends[0]}`);
  expect(pages.every((p) => p.startsWith('hello from web-'))).toBe(true);
});

test('sessionAffinity ClientIP keeps a client on one endpoint', async () => {
  const ip = (await kubectl('get', 'service', 'sticky', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  await waitFor(async () => (await fetchFromPod('client', `http://${ip}:80`, 1))[0].startsWith('hello from'), 'the sticky service to answer');
  const pages = await fetchFromPod('client', `http://${ip}:80`, 12);
  expect(pages[0]).toMatch(/^hello from web-/);
  expect(new Set(pages)).toEqual(new Set([pages[0]]));
});

test('the rules are in our chains, and the service CIDR is routed to a discard interface with a blackhole backstop', async () => {
  const nat = ours(await natRules());
  expect(nat).toContainEqual(expect.stringMatching(new RegExp(`^-A ${prefix}-SERVICES -d ${clusterIP}/32 .*--dport 80 -j ${prefix}-SVC-`)));
  expect(nat).toContainEqual(expect.stringMatching(new RegExp(`^-A ${prefix}-NODEPORTS .*--dport ${nodePort} -j ${prefix}-SVC-`)));
  // web and sticky, two endpoints each, and `kubernetes` to the apiserver's advertised address
  expect(nat.filter((l) => l.includes('-j DNAT'))).toHaveLength(5);
  expect(nat).toContainEqual(expect.stringMatching(new RegExp(`"default/kubernetes:https" .*-j DNAT --to-destination ${gateway.replace(/\./g, '\\.')}:\\d+$`)));
  expect(nat.filter((l) => /^-A (PREROUTING|OUTPUT|POSTROUTING) /.test(l))).toHaveLength(3);
  const routes = await serviceRoutes();
  expect(routes).toMatch(/10\.96\.0\.0\/16 dev berthsvc-br9 /);
  expect(routes).toMatch(/blackhole 10\.96\.0\.0\/16 metric \d+/);
});

test('scaled to 0, the Service refuses connections', async () => {
  await kubectl('scale', 'deployment/web', '--replicas=0');
  const refused = await waitFor(async () => {
    const [line] = await fetchFromPod('client', `http://${clusterIP}:80`, 1);
    return line.includes('Connection refused') && line;
  }, 'the service to refuse');
  expect(refused).toContain('Connection refused');
  await expect(hostGet('127.0.0.1', nodePort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  expect(ours(await filterRules())).toContainEqual(expect.stringContaining('"default/web:http has no endpoints"'));
});
