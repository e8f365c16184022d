import { normalizeArgv, runBerthctl } from './commands';
import { captureIO, FakeClient } from './testing';
import type { CliDeps, GlobalFlags } from './types';

test.each([
  { argv: ['--wait=false'], want: ['--no-wait'] },
  { argv: ['--wait=true'], want: ['--wait'] },
  { argv: ['--ignore-not-found=true'], want: ['--ignore-not-found'] },
  { argv: ['--ignore-not-found=false'], want: [] },
  { argv: ['-o=wide', '-n=dev'], want: ['-o', 'wide', '-n', 'dev'] },
  { argv: ['--output=json', 'pods'], want: ['--output=json', 'pods'] },
  { argv: ['--grace-period=0'], want: ['--grace-period=0'] },
])('normalizeArgv($argv)', ({ argv, want }) => {
  expect(normalizeArgv(argv)).toEqual(want);
});

const empty = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [], rows: [] };

/** Runs argv and returns what connect() received, the exit code and the output. */
const parse = async (argv: string[]) => {
  const seen: GlobalFlags[] = [];
  const client = new FakeClient(() => empty);
  const deps: CliDeps = { connect: async (g) => { seen.push(g); return { client, namespace: 'ctx-ns' }; }, sleep: async () => undefined, now: () => new Date(0) };
  const cap = captureIO();
  const code = await runBerthctl(argv, { io: cap.io, deps, signal: new AbortController().signal });
  return { code, globals: seen[0], out: cap.out(), err: cap.err(), client };
};

test.each([
  { argv: ['--kubeconfig', '/k', '--context', 'c', 'get', 'pods'], globals: { kubeconfig: '/k', context: 'c' } },
  { argv: ['get', 'pods', '--kubeconfig=/k', '-n', 'dev'], globals: { kubeconfig: '/k', namespace: 'dev' } },
  { argv: ['-n', 'dev', 'get', 'pods', '-v', '6'], globals: { namespace: 'dev', v: 6 } },
  { argv: ['get', 'pods', '--v=2'], globals: { v: 2 } },
])('global flags anywhere: $argv', async ({ argv, globals }) => {
  const r = await parse(argv);
  expect(r.code).toBe(0);
  expect(r.globals).toMatchObject(globals);
});

test('the context namespace applies when -n is absent', async () => {
  const r = await parse(['get', 'pods']);
  expect(r.client.requests[0].path).toBe('/api/v1/namespaces/ctx-ns/pods');
  expect(r.err).toBe('No resources found in ctx-ns namespace.\n');
});

test.each([
  { argv: ['get', 'pods', '--bogus'], code: 1, err: /^Error: unknown flag: --bogus\n/ },
  { argv: ['frob'], code: 1, err: /^Error: unknown command "frob" for "berthctl"\n/ },
  { argv: ['delete', 'pod', 'x', '--grace-period=soon'], code: 1, err: /must be an integer/ },
])('flag errors: $argv', async ({ argv, code, err }) => {
  const r = await parse(argv);
  expect(r.code).toBe(code);
  expect(r.err).toMatch(err);
});

test('--help prints usage and exits 0 without connecting', async () => {
  const r = await parse(['get', '--help']);
  expect(r.code).toBe(0);
  expect(r.out).toContain('Usage: berthctl get');
  expect(r.globals).toBeUndefined();
});

test('no arguments: help on stdout, exit 0 (like kubectl)', async () => {
  const r = await parse([]);
  expect(r.code).toBe(0);
  expect(r.out).toContain('Usage: berthctl');
});
