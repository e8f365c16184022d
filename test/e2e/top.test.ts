// kubectl top and berthctl top on a real one-node cluster: the agent reads usage over CRI and
// /proc, the apiserver serves metrics.k8s.io from the agents' /metrics/resource, and a pod that
// spins under a CPU limit shows non-zero CPU in both clients, in the same columns.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(180_000);

let c: TestCluster;

const podJson = JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'busy', labels: { app: 'busy' } },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      { name: 'spin', image: 'busybox', command: ['sh', '-c', 'while true; do :; done'], resources: { limits: { cpu: '200m', memory: '64Mi' } } },
      { name: 'idle', image: 'busybox', command: ['sleep', '3600'] },
    ],
  },
});

beforeAll(async () => {
  c = await startCluster('top');
  expect((await c.kubectl(['apply', '-f', '-'], { input: podJson })).code).toBe(0);
  expect((await c.kubectl(['wait', '--for=condition=Ready', 'pod/busy', '--timeout=120s'])).code).toBe(0);
});
afterAll(async () => {
  if (c) await c.stop();
});

const ok = async (r: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> => {
  const res = await r;
  if (res.code !== 0) throw new Error(res.stderr);
  return res.stdout;
};

const rows = (out: string): string[][] => out.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/));
const millicores = (cell: string): number => Number(/^(\d+)m$/.exec(cell)?.[1] ?? NaN);

describe('top', () => {
  test('kubectl top pod and berthctl top pod show the spinning pod busy, in the same columns', async () => {
    const kubectlOut = await waitFor(async () => {
      const out = await ok(c.kubectl(['top', 'pod', 'busy']));
      return millicores(rows(out)[1][1]) > 0 && out;
    }, 'non-zero CPU in kubectl top pod');
    expect(kubectlOut).toMatch(/^NAME {3}CPU\(cores\) {3}MEMORY\(bytes\) {3}\nbusy {3}\d+m +\d+Mi +\n$/);
    const berthctlOut = await ok(c.berthctl(['top', 'pod', 'busy']));
    expect(berthctlOut.split('\n')[0]).toBe(kubectlOut.split('\n')[0]);
    expect(rows(berthctlOut)[1][0]).toBe('busy');
    expect(millicores(rows(berthctlOut)[1][1])).toBeGreaterThan(0);
  });

  test('per container, across namespaces, by label, sorted by cpu', async () => {
    const args = ['top', 'pod', '-A', '-l', 'app=busy', '--containers', '--sort-by=cpu'];
    const out = await ok(c.kubectl(args));
    const r = rows(out);
    expect(r[0]).toEqual(['NAMESPACE', 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(r.slice(1).map((x) => x.slice(0, 3))).toEqual([['default', 'busy', 'spin'], ['default', 'busy', 'idle']]);
    expect(millicores(r[1][3])).toBeGreaterThan(millicores(r[2][3]));
    const mine = rows(await ok(c.berthctl(args)));
    expect(mine[0]).toEqual(r[0]);
    expect(mine.slice(1).map((x) => x.slice(0, 3))).toEqual(r.slice(1).map((x) => x.slice(0, 3)));
  });

  test('kubectl top node and berthctl top node print the node', async () => {
    const out = await ok(c.kubectl(['top', 'node']));
    const r = rows(out);
    expect(r[0]).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    expect(r[1][0]).toBe(c.nodeName);
    expect(r[1][1]).toMatch(/^\d+m$/);
    expect(r[1][2]).toMatch(/^\d+%$/);
    expect(r[1][3]).toMatch(/^\d+Mi$/);
    const mine = rows(await ok(c.berthctl(['top', 'node', c.nodeName])));
    expect(mine[0]).toEqual(r[0]);
    expect(mine[1][0]).toBe(c.nodeName);
  });

  test('the Metrics API answers with metrics-server shapes', async () => {
    const pm = JSON.parse(await ok(c.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy']))) as Record<string, unknown>;
    expect(pm).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: 'busy', namespace: 'default', labels: { app: 'busy' } } });
    expect(pm.window).toMatch(/^[\d.]+m?s$/);
    expect(pm.containers).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'spin', usage: { cpu: expect.stringMatching(/^\d+[num]?$/), memory: expect.stringMatching(/^\d+(Ki|Mi)?$/) } })]));
    const table = rows(await ok(c.kubectl(['get', 'pods.metrics.k8s.io', 'busy'])));
    expect(table[0]).toEqual(['NAME', 'CPU', 'MEMORY', 'WINDOW']);
    expect(table[1][0]).toBe('busy');
    const missing = await c.kubectl(['top', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});
