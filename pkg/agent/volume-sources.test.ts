import { configMapPayload, downwardAPIPayload, formatMap, secretPayload } from './volume-sources';
import { pod } from './test-builders';
import type { Payload } from './atomic-writer';

const text = (p: Payload) => Object.fromEntries([...p].map(([k, f]) => [k, [f.data.toString('utf8'), f.mode.toString(8)]]));

const cm = { data: { 'app.conf': 'x=1', other: 'y' }, binaryData: { bin: Buffer.from('raw').toString('base64') } };

test.each([
  { name: 'every key with the default mode', items: undefined, mode: 0o644, want: { 'app.conf': ['x=1', '644'], other: ['y', '644'], bin: ['raw', '644'] } },
  { name: 'items pick keys, paths and modes', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o400 }, { key: 'bin', path: 'b' }], mode: 0o640,
    want: { 'conf/app.conf': ['x=1', '400'], b: ['raw', '640'] } },
])('configMap: $name', ({ items, mode, want }) => {
  expect(text(configMapPayload(cm, items, mode))).toEqual(want);
});

test('a missing key fails unless the volume is optional', () => {
  expect(() => configMapPayload(cm, [{ key: 'nope', path: 'n' }])).toThrow(/non-existent config key: nope/);
  expect(configMapPayload(cm, [{ key: 'nope', path: 'n' }], 0o644, true).size).toBe(0);
});

test('secret data is base64-decoded', () => {
  expect(text(secretPayload({ data: { password: Buffer.from('s3cret').toString('base64') } }, undefined, 0o600))).toEqual({ password: ['s3cret', '600'] });
});

test('downwardAPI: labels and annotations as sorted key="value" lines, name, namespace, a single label', () => {
  const p = pod();
  p.metadata.labels = { tier: 'web', app: 'shop' };
  p.metadata.annotations = { note: 'say "hi"' };
  const out = downwardAPIPayload(p, { items: [
    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
    { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' }, mode: 0o600 },
    { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
  ] });
  expect(text(out)).toEqual({
    labels: ['app="shop"\ntier="web"', '644'], annotations: ['note="say \\"hi\\""', '644'], name: ['web', '644'], ns: ['default', '600'], tier: ['web', '644'],
  });
  expect(formatMap({})).toBe('');
  expect(() => downwardAPIPayload(p, { items: [{ path: 'x', fieldRef: { fieldPath: 'spec.nodeName' } }] })).toThrow(/unsupported fieldPath/);
});
