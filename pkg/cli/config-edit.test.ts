// config view|get-contexts|use-context|current-context on a temp kubeconfig, and edit with a
// fake editor: the merge patch it sends, and the reopened file when the save fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBerthctl } from './commands';
import { invalid } from '../apimachinery';
import { captureIO, FakeClient, fakeDeps, type Handler } from './testing';
import type { HostDeps } from './types';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: 'https://127.0.0.1:6443', certificate-authority-data: Zm9v}
contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: dev}
- name: two
  context: {cluster: c1, user: u1}
current-context: one
users:
- name: u1
  user: {token: secret}
`;

const run = async (argv: string[], handler: Handler = () => ({}), host?: HostDeps) => {
  const client = new FakeClient(handler);
  const deps = { ...fakeDeps(client), host };
  const cap = captureIO();
  const code = await runBerthctl(argv, { io: cap.io, deps, signal: new AbortController().signal });
  return { code, out: cap.out(), err: cap.err(), client };
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-config-'));
  file = path.join(dir, 'config');
  fs.writeFileSync(file, KUBECONFIG);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('config view redacts secrets like kubectl; --minify keeps the current context only', async () => {
  const r = await run(['--kubeconfig', file, 'config', 'view', '--minify']);
  expect(r.out).toBe(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://127.0.0.1:6443
  name: c1
contexts:
- context:
    cluster: c1
    namespace: dev
    user: u1
  name: one
current-context: one
kind: Config
preferences: {}
users:
- name: u1
  user:
    token: REDACTED
`);
});

test('get-contexts, use-context, current-context', async () => {
  expect((await run(['--kubeconfig', file, 'config', 'get-contexts'])).out)
    .toBe('CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n*         one    c1        u1         dev\n          two    c1        u1         \n');
  expect((await run(['--kubeconfig', file, 'config', 'use-context', 'two'])).out).toBe('Switched to context "two".\n');
  expect((await run(['--kubeconfig', file, 'config', 'current-context'])).out).toBe('two\n');
  const missing = await run(['--kubeconfig', file, 'config', 'use-context', 'nope']);
  expect(missing).toMatchObject({ code: 1, err: 'error: no context exists with the name: "nope"\n' });
});

const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } };

/** An editor that replaces `from` with `to` in the file it is given, once per call in order. */
const editor = (edits: [string, string][]): HostDeps & { opened: string[] } => {
  const opened: string[] = [];
  return {
    env: { EDITOR: 'fake-editor' }, isTTY: false, opened,
    spawn: async (_cmd, args) => {
      const target = /'([^']+)'$/.exec(args[1])?.[1] ?? '';
      const text = fs.readFileSync(target, 'utf8');
      opened.push(text);
      const [from, to] = edits.shift() ?? ['', ''];
      fs.writeFileSync(target, text.replace(from, to));
      return { code: 0, stdout: '', stderr: '' };
    },
  };
};

test('edit sends the change as a merge patch', async () => {
  const host = editor([['a: "1"', 'a: "2"']]);
  const r = await run(['edit', 'cm', 'cfg'], (req) => (req.method === 'GET' ? cm : req.body), host);
  expect(r).toMatchObject({ code: 0, out: 'configmap/cfg edited\n' });
  expect(host.opened[0]).toMatch(/^# Please edit the object below\. Lines beginning with a '#' will be ignored,\n/);
  expect(r.client.requests[1]).toMatchObject({ method: 'PATCH', contentType: 'application/merge-patch+json', body: { data: { a: '2' } } });
});

test('edit reopens the file with the error, and gives up when it is saved unchanged', async () => {
  const host = editor([['a: "1"', 'a: "bad"'], ['', '']]);
  const handler: Handler = (req) => {
    if (req.method === 'GET') return cm;
    throw invalid('ConfigMap', '', 'cfg', [{ field: 'data.a', message: 'Invalid value: "bad"', reason: 'FieldValueInvalid' }]);
  };
  const r = await run(['edit', 'cm', 'cfg'], handler, host);
  expect(r.code).toBe(1);
  expect(host.opened[1]).toContain('# The ConfigMap "cfg" is invalid: data.a: Invalid value: "bad"');
  expect(r.err).toMatch(/A copy of your changes has been stored to ".*"\nerror: Edit cancelled, no valid changes were saved\.\n$/);
  fs.rmSync(/stored to "(.*)"/.exec(r.err)?.[1] ?? '', { force: true });
});

test('edit without changes is cancelled', async () => {
  const r = await run(['edit', 'cm', 'cfg'], () => cm, editor([['', '']]));
  expect(r).toMatchObject({ code: 0, err: 'Edit cancelled, no changes made.\n' });
});
