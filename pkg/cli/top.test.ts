import { notFound } from '../apimachinery';
import { printNodeMetrics, printPodMetrics } from './top-printer';
import { runWith, type RecordedRequest } from './testing';

const groups = { kind: 'APIGroupList', groups: [{ name: 'apps', versions: [{ version: 'v1' }] }, { name: 'metrics.k8s.io', versions: [{ version: 'v1beta1' }] }] };
const nodeMetrics = (name: string, cpu: string, memory: string) => ({ metadata: { name }, usage: { cpu, memory } });
const podMetrics = (ns: string, name: string, containers: [string, string, string][]) => ({
  metadata: { namespace: ns, name }, containers: containers.map(([n, cpu, memory]) => ({ name: n, usage: { cpu, memory } })),
});
const node = (name: string) => ({ metadata: { name }, status: { allocatable: { cpu: '2', memory: '4Gi' }, capacity: { cpu: '4', memory: '8Gi' } } });

describe('top printing (kubectl metricsutil)', () => {
  it('prints nodes with percentages of allocatable, tab-terminated cells, and <unknown> for nodes without metrics', () => {
    const out = printNodeMetrics([nodeMetrics('n1', '329087452n', '2748180Ki')], new Map([['n1', { cpu: '2', memory: '4Gi' }], ['n0', { cpu: '1' }]]), { noHeaders: false, sortBy: '' });
    expect(out).toBe([
      'NAME   CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   ',
      'n1     330m         16%         2683Mi          65%         ',
      'n0     <unknown>    <unknown>   <unknown>       <unknown>   ',
      '',
    ].join('\n'));
  });

  it('sums containers per pod, rounding the sum up once', () => {
    const m = [podMetrics('default', 'web', [['a', '1500000n', '1048577'], ['b', '1500000n', '1Mi']])];
    expect(printPodMetrics(m, { containers: false, withNamespace: false, noHeaders: false, sortBy: '', sum: false }))
      .toBe('NAME   CPU(cores)   MEMORY(bytes)   \nweb    3m           2Mi             \n');
  });

  it('sorts by cpu or memory descending, else by namespace and name; --containers and --sum', () => {
    const m = [podMetrics('b', 'x', [['c', '10m', '5Mi']]), podMetrics('a', 'y', [['c', '20m', '1Mi'], ['d', '1m', '9Mi']])];
    const print = (sortBy: 'cpu' | 'memory' | '', containers = false, sum = false) =>
      printPodMetrics(m, { containers, withNamespace: true, noHeaders: true, sortBy, sum }).split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).join(' '));
    expect(print('')).toEqual(['a y 21m 10Mi', 'b x 10m 5Mi']);
    expect(print('cpu')).toEqual(['a y 21m 10Mi', 'b x 10m 5Mi']);
    expect(print('memory')).toEqual(['a y 21m 10Mi', 'b x 10m 5Mi']);
    expect(print('memory', true)).toEqual(['a y d 1m 9Mi', 'a y c 20m 1Mi', 'b x c 10m 5Mi']);
    expect(printPodMetrics(m, { containers: false, withNamespace: false, noHeaders: false, sortBy: '', sum: true })).toBe([
      'NAME   CPU(cores)   MEMORY(bytes)   ',
      'x      10m          5Mi             ',
      'y      21m          10Mi            ',
      '       ________     ________        ',
      '       31m          15Mi            ',
      '',
    ].join('\n'));
  });
});

describe('berthctl top', () => {
  const server = (req: RecordedRequest): unknown => {
    if (req.path === '/apis') return groups;
    if (req.path === '/apis/metrics.k8s.io/v1beta1/nodes') return { items: [nodeMetrics('n1', '1', '1Gi')] };
    if (req.path === '/api/v1/nodes') return { items: [node('n1')] };
    if (req.path === '/apis/metrics.k8s.io/v1beta1/namespaces/dev/pods') return { items: [podMetrics('dev', 'web', [['c', '250m', '64Mi']])] };
    if (req.path === '/apis/metrics.k8s.io/v1beta1/pods') return { items: [] };
    if (req.path === '/api/v1/namespaces/default/pods') return { items: [] };
    throw notFound({ group: '', resource: 'paths' }, req.path);
  };

  it('top node: metrics, then the nodes for allocatable (or capacity)', async () => {
    const r = await runWith(['top', 'node', '-l', 'a=b'], server);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe('NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \nn1     1000m        50%      1024Mi          25%         \n');
    expect(r.client.requests.map((q) => [q.path, q.query.labelSelector])).toEqual([['/apis', undefined], ['/apis/metrics.k8s.io/v1beta1/nodes', 'a=b'], ['/api/v1/nodes', 'a=b']]);
    expect((await runWith(['top', 'nodes', '--show-capacity', '--no-headers'], server)).out).toBe('n1    1000m   25%   1024Mi   12%   \n');
  });

  it('top pod in the namespace; an empty list says so on stderr', async () => {
    const r = await runWith(['top', 'po', '-n', 'dev'], server);
    expect(r.out).toBe('NAME   CPU(cores)   MEMORY(bytes)   \nweb    250m         64Mi            \n');
    const empty = await runWith(['top', 'pod', '-A'], server);
    expect(empty).toMatchObject({ code: 0, out: '', err: 'No resources found\n' });
  });

  it.each([
    [['top', 'pod', '--sort-by=name'], 'error: --sort-by accepts only cpu or memory'],
    [['top', 'node', 'n1', '-l', 'a=b'], 'error: only one of NAME or --selector can be provided'],
    [['top', 'pod', 'p', '-l', 'a=b'], 'error: only one of NAME or selector can be provided'],
    [['top', 'volumes'], 'error: unknown command "volumes" for "berthctl top"'],
  ])('%j fails: %s', async (argv, err) => {
    const r = await runWith(argv, server);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${err}\n`);
  });

  it('without metrics.k8s.io in discovery: Metrics API not available', async () => {
    const r = await runWith(['top', 'node'], (req) => (req.path === '/apis' ? { groups: [] } : server(req)));
    expect(r).toMatchObject({ code: 1, err: 'error: Metrics API not available\n' });
  });

  it('pods without metrics past the creation delay are an error, as in kubectl', async () => {
    const old = { metadata: { namespace: 'default', name: 'old', creationTimestamp: '2023-12-31T23:57:00Z' } };
    const r = await runWith(['top', 'pod'], (req) => (req.path === '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods' ? { items: [] }
      : req.path === '/api/v1/namespaces/default/pods' ? { items: [old] } : server(req)));
    expect(r).toMatchObject({ code: 1, err: 'error: Metrics not available for pod default/old, age: 3m0s\n' });
  });
});
