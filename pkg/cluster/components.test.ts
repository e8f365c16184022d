import { advertiseAddressOf, componentSpecs, podGateway } from './components';
import { defaultConfig, portsWithOffset } from './config';
import { componentEnv } from './process-env';

const runtimeArgs = (overrides: Partial<ReturnType<typeof defaultConfig>>) =>
  componentSpecs({ ...defaultConfig('/tmp/h'), ...overrides }).find((s) => s.name === 'runtime')!.args;

test('components start in dependency order', () => {
  expect(componentSpecs(defaultConfig('/tmp/h')).map((s) => s.name))
    .toEqual(['etcd', 'apiserver', 'runtime', 'agent', 'scheduler', 'proxy', 'controller-manager']);
});

test('a port offset moves every listener', () => {
  const specs = componentSpecs({ ...defaultConfig('/tmp/h'), ports: portsWithOffset(100) });
  const flat = specs.flatMap((s) => s.args).join(' ');
  expect(flat).toContain('http://127.0.0.1:2479');
  expect(flat).toContain('--port 6543');
  expect(flat).toContain('--health-port 10349');
  expect(flat).not.toMatch(/--port 6443|:2379\b/);
});

test.each([
  { name: 'no registry settings', cfg: {}, want: [] as string[] },
  {
    name: 'mirrors, insecure registries and origin pulls',
    cfg: { registryMirrors: { 'docker.io': ['http://127.0.0.1:5000', 'http://127.0.0.1:5001'] }, insecureRegistries: ['127.0.0.1:5000'], pullFromOrigin: true },
    want: ['--registry-mirror', 'docker.io=http://127.0.0.1:5000', '--registry-mirror', 'docker.io=http://127.0.0.1:5001',
      '--insecure-registry', '127.0.0.1:5000', '--pull-from-origin'],
  },
])('runtime registry flags: $name', ({ cfg, want }) => {
  const args = runtimeArgs(cfg);
  const start = args.findIndex((a) => a === '--registry-mirror' || a === '--insecure-registry' || a === '--pull-from-origin');
  expect(start === -1 ? [] : args.slice(start, start + want.length)).toEqual(want);
});

test('a config saved before the proxy existed gets its port from the scheduler\'s', () => {
  const { proxy: _unused, ...old } = portsWithOffset(100);
  const args = componentSpecs({ ...defaultConfig('/tmp/h'), ports: old }).find((s) => s.name === 'proxy')!.args;
  expect(args.join(' ')).toContain('--health-port 10356');
});

test.each([
  { name: 'the default', cfg: {}, want: '10.96.0.0/16' },
  { name: 'the configured one', cfg: { serviceCidr: '10.100.0.0/24' }, want: '10.100.0.0/24' },
])('the apiserver and the proxy get the same service CIDR: $name', ({ cfg, want }) => {
  const specs = componentSpecs({ ...defaultConfig('/tmp/h'), ...cfg });
  for (const name of ['apiserver', 'proxy']) {
    const args = specs.find((s) => s.name === name)!.args;
    expect(args[args.indexOf('--service-cluster-ip-range') + 1]).toBe(want);
  }
});

test('every component but etcd starts with malloc’s mmap threshold pinned', () => {
  for (const spec of componentSpecs(defaultConfig('/tmp/h'))) {
    if (spec.name === 'etcd') expect(spec.env).toBeUndefined();
    else expect(spec.env?.MALLOC_MMAP_THRESHOLD_).toBe('131072');
  }
});

test('a threshold the user set wins', () => {
  expect(componentEnv({ MALLOC_MMAP_THRESHOLD_: '65536', PATH: '/bin' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '65536', PATH: '/bin' });
});

test.each([
  { cidr: '10.244.0.0/24', want: '10.244.0.1' },
  { cidr: '10.88.255.0/24', want: '10.88.255.1' },
])('the pod gateway of $cidr is $want', ({ cidr, want }) => expect(podGateway(cidr)).toBe(want));

test('the apiserver listens everywhere and advertises the pod gateway on a loopback node, else the node IP', () => {
  const args = componentSpecs(defaultConfig('/tmp/h')).find((s) => s.name === 'apiserver')!.args;
  expect(args[args.indexOf('--bind') + 1]).toBe('0.0.0.0');
  expect(args[args.indexOf('--advertise-address') + 1]).toBe('10.244.0.1');
  expect(advertiseAddressOf({ ...defaultConfig('/tmp/h'), nodeIP: '192.168.56.10' })).toBe('192.168.56.10');
});
