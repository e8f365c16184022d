import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadManifests, parseManifests } from './manifest';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-manifest-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('b.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n');
  write('a.json', '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}');
  write('c.yml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: c1\n---\n# comment only\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c2\n');
  write('notes.txt', 'not a manifest');
  write('sub/d.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: d\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const names = (r: { manifests: { object: { metadata?: unknown } }[] }) =>
  r.manifests.map((m) => (m.object.metadata as { name: string }).name);

test.each([
  { name: 'multi-document YAML, empty documents skipped', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n---\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: y2}\n', want: ['x', 'y2'] },
  { name: 'JSON', text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"}}', want: ['j'] },
  { name: 'kind: List is expanded', text: 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: l1}}\n- {apiVersion: v1, kind: Pod, metadata: {name: l2}}\n', want: ['l1', 'l2'] },
])('$name', ({ text, want }) => {
  const r = parseManifests(text, 'x.yaml');
  expect(r.errors).toEqual([]);
  expect(names(r)).toEqual(want);
});

test('a YAML error names the file, the line and the column', () => {
  const bad = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n    - name: main\n      image: busybox\n     command: ["sleep", "10"]\n';
  const r = parseManifests(bad, 'test/fixtures/bad-yaml.yaml');
  expect(r.manifests).toEqual([]);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toMatch(/^error: error parsing test\/fixtures\/bad-yaml\.yaml: error converting YAML to JSON: yaml: line \d+, column \d+: /);
});

test('missing kind and apiVersion are reported per object', () => {
  const r = parseManifests('metadata: {name: x}\n', 'f.yaml');
  expect(r.errors).toEqual(['error: error validating "f.yaml": error validating data: [apiVersion not set, kind not set]']);
});

test('a directory reads *.json, *.yaml, *.yml sorted, not subdirectories', async () => {
  const r = await loadManifests([dir]);
  expect(r.errors).toEqual([]);
  expect(names(r)).toEqual(['a', 'b', 'c1', 'c2']);
  expect(r.manifests[1].source).toBe(path.join(dir, 'b.yaml'));
});

test('-R descends into subdirectories', async () => {
  expect(names(await loadManifests([dir], { recursive: true }))).toEqual(['a', 'b', 'c1', 'c2', 'd']);
});

test('a file is read whatever its extension; - reads stdin as STDIN', async () => {
  const r = await loadManifests([path.join(dir, 'b.yaml'), '-'], { stdin: Readable.from(['apiVersion: v1\nkind: Pod\nmetadata: {name: s}\n']) });
  expect(names(r)).toEqual(['b', 's']);
  expect(r.manifests[1].source).toBe('STDIN');
});

test('a missing path is an error like kubectl\'s', async () => {
  await expect(loadManifests([path.join(dir, 'nope.yaml')])).rejects.toThrow(`the path "${path.join(dir, 'nope.yaml')}" does not exist`);
});
