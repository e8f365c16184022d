// berthctl -o go-template against the real kubectl on the same object: kubectl renders it offline
// (`label --local`, which adds x=y), berthctl gets the labelled object from a fake server:
// fields, range with variables, index, printf, len, if/else/with, eq, pipelines, trimming, Go's
// printing of maps, lists and missing keys; and a template file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { runBerthctl } from '../../pkg/cli';
import { fakeDeps, FakeClient } from '../../pkg/cli/testing';

let dir: string;
let pod: string;
const object = (labels: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels },
  spec: { priority: 3, containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'redis', env: [{ name: 'X', value: '1' }] }] },
  status: { phase: 'Running' },
});
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-go-template-'));
  pod = path.join(dir, 'pod.json');
  fs.writeFileSync(pod, JSON.stringify(object({ app: 'web', tier: 'fe' })));
  fs.writeFileSync(path.join(dir, 'tmpl.txt'), '{{range .spec.containers}}{{.name}}{{"\\n"}}{{end}}');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const berthctl = async (args: string[]) => {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(c: Buffer, _e, cb) { f(c.toString()); cb(); } });
  const client = new FakeClient(() => object({ app: 'web', tier: 'fe', x: 'y' }));
  const code = await runBerthctl(args, { io: { out: sink((s) => { out += s; }), err: sink((s) => { err += s; }), in: process.stdin },
    deps: fakeDeps(client), signal: new AbortController().signal });
  return { code, stdout: out, stderr: err };
};
const kubectl = (args: string[]) => {
  const r = spawnSync('kubectl', args, { env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

test.each([
  '{{.metadata.name}} {{len .spec.containers}} {{.spec.priority}}',
  '{{range $i, $c := .spec.containers}}{{$i}}={{$c.name}}:{{$c.image}};{{end}}',
  '{{index .metadata.labels "app"}} {{printf "%s-%d" .kind .spec.priority}} {{printf "%q %v" .kind .spec.containers}}',
  '{{.metadata.labels}} {{.missing}} {{.spec.containers}}',
  '{{if eq .status.phase "Running"}}up{{else}}down{{end}} {{if .nothing}}x{{else if .spec}}y{{end}} {{with .status}}{{.phase}}{{end}}',
  '{{range .spec.containers}}{{if .env}}{{.name}} has {{(index .env 0).name}}{{end}}{{end}} {{.spec.containers | len}} {{- " trimmed" }}',
  '{{range $k, $v := .metadata.labels}}{{$k}}={{$v}},{{end}}{{range .nothing}}x{{else}}empty{{end}}',
  '{{$n := .metadata.name}}{{range .spec.containers}}{{$n}}/{{.name}} {{end}}{{$.kind}}',
])('%s matches kubectl', async (template) => {
  const theirs = kubectl(['label', '--local', '-f', pod, 'x=y', '-o', `go-template=${template}`]);
  expect(theirs.code).toBe(0);
  expect(await berthctl(['get', 'pod', 'web', '-o', `go-template=${template}`])).toEqual(theirs);
});

test('go-template-file', async () => {
  const format = `go-template-file=${path.join(dir, 'tmpl.txt')}`;
  expect(await berthctl(['get', 'pod', 'web', '-o', format])).toEqual(kubectl(['label', '--local', '-f', pod, 'x=y', '-o', format]));
});
