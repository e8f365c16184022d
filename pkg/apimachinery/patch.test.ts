import { Pod } from '../../api/core/v1';
import { ReplicaSet } from '../../api/apps/v1';
import { StatusError } from './errors';
import { applyJsonPatch, applyMergePatch } from './patch';
import { applyStrategicMergePatch } from './strategic-merge-patch';

const codeOf = (fn: () => unknown): number | undefined => {
  try { fn(); } catch (err) { return err instanceof StatusError ? err.status.code : -1; }
  return undefined;
};

describe('applyJsonPatch', () => {
  const doc = { metadata: { name: 'a', labels: { x: '1' } }, spec: { list: [1, 2, 3] } };
  test.each([
    { name: 'add key', ops: [{ op: 'add', path: '/metadata/labels/y', value: '2' }], want: { ...doc, metadata: { name: 'a', labels: { x: '1', y: '2' } } } },
    { name: 'add to end', ops: [{ op: 'add', path: '/spec/list/-', value: 4 }], want: { ...doc, spec: { list: [1, 2, 3, 4] } } },
    { name: 'insert at index', ops: [{ op: 'add', path: '/spec/list/0', value: 0 }], want: { ...doc, spec: { list: [0, 1, 2, 3] } } },
    { name: 'remove', ops: [{ op: 'remove', path: '/spec/list/1' }], want: { ...doc, spec: { list: [1, 3] } } },
    { name: 'replace', ops: [{ op: 'replace', path: '/metadata/name', value: 'b' }], want: { ...doc, metadata: { ...doc.metadata, name: 'b' } } },
    { name: 'move', ops: [{ op: 'move', from: '/metadata/labels', path: '/spec/labels' }], want: { metadata: { name: 'a' }, spec: { list: [1, 2, 3], labels: { x: '1' } } } },
    { name: 'copy', ops: [{ op: 'copy', from: '/metadata/name', path: '/spec/name' }], want: { ...doc, spec: { list: [1, 2, 3], name: 'a' } } },
    { name: 'test then replace', ops: [{ op: 'test', path: '/metadata/name', value: 'a' }, { op: 'replace', path: '/metadata/name', value: 'c' }], want: { ...doc, metadata: { ...doc.metadata, name: 'c' } } },
    { name: 'escaped path', ops: [{ op: 'add', path: '/metadata/labels/a~1b', value: 'z' }], want: { ...doc, metadata: { name: 'a', labels: { x: '1', 'a/b': 'z' } } } },
    { name: 'replace root', ops: [{ op: 'replace', path: '', value: { a: 1 } }], want: { a: 1 } },
  ])('$name', ({ ops, want }) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, ops)).toEqual(want);
    expect(JSON.stringify(doc)).toBe(before);
  });

  test.each([
    { name: 'not a list', ops: { op: 'add' }, code: 400 },
    { name: 'unknown op', ops: [{ op: 'frob', path: '/a' }], code: 400 },
    { name: 'missing value', ops: [{ op: 'add', path: '/a' }], code: 400 },
    { name: 'missing path', ops: [{ op: 'add', path: '/nope/deeper', value: 1 }], code: 422 },
    { name: 'replace missing key', ops: [{ op: 'replace', path: '/metadata/nope', value: 1 }], code: 422 },
    { name: 'remove missing key', ops: [{ op: 'remove', path: '/metadata/nope' }], code: 422 },
    { name: 'index out of range', ops: [{ op: 'remove', path: '/spec/list/9' }], code: 422 },
    { name: 'failed test', ops: [{ op: 'test', path: '/metadata/name', value: 'z' }], code: 422 },
  ])('error: $name', ({ ops, code }) => {
    expect(codeOf(() => applyJsonPatch(doc, ops))).toBe(code);
  });
});

describe('applyMergePatch (RFC 7386 examples)', () => {
  test.each([
    { target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
    { target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
    { target: { a: 'b' }, patch: { a: null }, want: {} },
    { target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
    { target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
    { target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
    { target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
    { target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
    { target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
    { target: { a: 'b' }, patch: ['c'], want: ['c'] },
    { target: { a: 'foo' }, patch: null, want: null },
    { target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
    { target: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
    { target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  ])('$patch on $target', ({ target, patch, want }) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });
});

const pod = {
  metadata: { name: 'p', labels: { app: 'web', tier: 'fe' }, finalizers: ['a', 'b'] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'side', image: 'busybox', args: ['x', 'y'] },
    ],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
};

describe('applyStrategicMergePatch', () => {
  test.each([
    { name: 'merges containers by name', patch: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } },
      check: (o: typeof pod) => { expect(o.spec.containers.map((c) => c.image)).toEqual(['nginx:2', 'busybox']); expect(o.spec.containers[0].env).toHaveLength(2); } },
    { name: 'appends a new container', patch: { spec: { containers: [{ name: 'new', image: 'x' }] } },
      check: (o: typeof pod) => expect(o.spec.containers.map((c) => c.name)).toEqual(['web', 'side', 'new']) },
    { name: 'merges nested env by name', patch: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } },
      check: (o: typeof pod) => expect(o.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]) },
    { name: 'lists without strategy are replaced', patch: { spec: { containers: [{ name: 'side', args: ['z'] }] } },
      check: (o: typeof pod) => expect(o.spec.containers[1].args).toEqual(['z']) },
    { name: 'atomic list replaced', patch: { spec: { tolerations: [{ key: 'j', operator: 'Exists' }] } },
      check: (o: typeof pod) => expect(o.spec.tolerations).toEqual([{ key: 'j', operator: 'Exists' }]) },
    { name: 'null deletes a key', patch: { metadata: { labels: { tier: null } } },
      check: (o: typeof pod) => expect(o.metadata.labels).toEqual({ app: 'web' }) },
    { name: '$patch: delete removes a list element', patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
      check: (o: typeof pod) => expect(o.spec.containers.map((c) => c.name)).toEqual(['web']) },
    { name: '$patch: replace on a list', patch: { spec: { containers: [{ name: 'only', image: 'i' }, { $patch: 'replace' }] } },
      check: (o: typeof pod) => expect(o.spec.containers).toEqual([{ name: 'only', image: 'i' }]) },
    { name: '$patch: replace on a map', patch: { metadata: { labels: { x: 'y', $patch: 'replace' } } },
      check: (o: typeof pod) => expect(o.metadata.labels).toEqual({ x: 'y' }) },
    { name: '$patch: delete on a map', patch: { metadata: { labels: { $patch: 'delete' } } },
      check: (o: typeof pod) => expect(o.metadata.labels).toBeUndefined() },
    { name: 'merge-strategy primitive list is a union', patch: { metadata: { finalizers: ['b', 'c'] } },
      check: (o: typeof pod) => expect(o.metadata.finalizers).toEqual(['a', 'b', 'c']) },
    { name: '$deleteFromPrimitiveList', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      check: (o: typeof pod) => expect(o.metadata.finalizers).toEqual(['b']) },
    { name: '$setElementOrder', patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }], containers: [{ name: 'web', image: 'n2' }] } },
      check: (o: typeof pod) => expect(o.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(['side:busybox', 'web:n2']) },
    { name: '$retainKeys', patch: { spec: { containers: [{ name: 'web', $retainKeys: ['name', 'image'], image: 'n3' }] } },
      check: (o: typeof pod) => expect(o.spec.containers[0]).toEqual({ name: 'web', image: 'n3' }) },
    { name: 'directives in new elements are dropped', patch: { spec: { containers: [{ name: 'n', env: [{ name: 'X', value: '1' }, { name: 'Y', $patch: 'delete' }] }] } },
      check: (o: typeof pod) => expect(o.spec.containers[2]).toEqual({ name: 'n', env: [{ name: 'X', value: '1' }] }) },
  ])('$name', ({ patch, check }) => {
    const before = JSON.stringify(pod);
    check(applyStrategicMergePatch(pod, patch, Pod) as typeof pod);
    expect(JSON.stringify(pod)).toBe(before);
  });

  test('pod template inside a ReplicaSet resolves through nested schemas', () => {
    const rs = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
    const out = applyStrategicMergePatch(rs, { spec: { replicas: 3, template: { spec: { containers: [{ name: 'b', image: 'z' }] } } } }, ReplicaSet);
    expect(out).toEqual({ spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }] } } } });
  });

  test.each([
    { name: 'missing merge key', patch: { spec: { containers: [{ image: 'x' }] } } },
    { name: 'unknown $patch', patch: { metadata: { $patch: 'frob' } } },
    { name: 'patch not an object', patch: [1] },
  ])('bad request: $name', ({ patch }) => {
    expect(codeOf(() => applyStrategicMergePatch(pod, patch, Pod))).toBe(400);
  });
});
