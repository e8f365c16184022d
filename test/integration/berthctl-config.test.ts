// berthctl config view against the real kubectl on the same $KUBECONFIG of two files: the merge
// (first current-context, first definition of a name), redaction, --minify, --raw, --flatten
// (paths relative to the file that names them), -o json, and a context that does not exist.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { realDeps, runBerthctl } from '../../pkg/cli';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-config-'));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'ca.crt'), 'CA FILE\n');
  fs.writeFileSync(path.join(dir, 'sub', 'a.yaml'), `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: c1
  cluster: {server: 'https://a:6443', certificate-authority: ca.crt}
contexts:
- name: ctx-a
  context: {cluster: c1, user: u1, namespace: ns-a}
- name: shared
  context: {cluster: c1, user: u1}
users:
- name: u1
  user: {token: secret-a}
`);
  fs.writeFileSync(path.join(dir, 'b.yaml'), `apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: c1
  cluster: {server: 'https://ignored:1'}
- name: c2
  cluster: {server: 'https://b:6443', insecure-skip-tls-verify: true}
contexts:
- name: ctx-b
  context: {cluster: c2, user: u2}
- name: shared
  context: {cluster: c2, user: u2}
users:
- name: u2
  user: {client-certificate-data: QUJD, client-key: sub/ca.crt}
`);
  env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: [path.join(dir, 'sub', 'a.yaml'), path.join(dir, 'b.yaml'), path.join(dir, 'missing.yaml')].join(':') };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const capture = () => {
  let text = '';
  return { stream: new Writable({ write(c: Buffer, _e, cb) { text += c.toString(); cb(); } }), text: () => text };
};

const berthctl = async (args: string[]) => {
  const out = capture();
  const err = capture();
  const deps = realDeps();
  const code = await runBerthctl(args, {
    io: { out: out.stream, err: err.stream, in: process.stdin },
    deps: { ...deps, host: { ...deps.host!, env } }, signal: new AbortController().signal,
  });
  return { code, stdout: out.text(), stderr: err.text() };
};

const kubectl = (args: string[]) => {
  const r = spawnSync('kubectl', args, { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

test.each([
  [['config', 'view']],
  [['config', 'view', '-o', 'json']],
  [['config', 'view', '--minify']],
  [['config', 'view', '--raw']],
  [['config', 'view', '--minify', '--flatten']],
  [['config', 'view', '--flatten', '-o', 'json']],
  [['config', 'view', '--minify', '--raw', '--context', 'ctx-b']],
  [['config', 'view', '--minify', '--context', 'shared']],
])('%j matches kubectl', async (args) => {
  const theirs = kubectl(args);
  expect(theirs.code).toBe(0);
  expect(await berthctl(args)).toEqual(theirs);
});

test('--minify with a context that does not exist fails as kubectl does', async () => {
  const args = ['config', 'view', '--minify', '--context', 'nope'];
  expect(await berthctl(args)).toEqual({ ...kubectl(args), code: 1 });
});
