import {
  LAST_APPLIED, lastAppliedConfiguration, readLastApplied, subsetEqual, threeWayMergePatch, withLastApplied, type JsonObject,
} from './merge-patch';

const container = (extra: JsonObject = {}): JsonObject => ({ name: 'main', image: 'busybox', ...extra });
const defaulted = (extra: JsonObject = {}): JsonObject => container({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ...extra });

test.each<{ name: string; original?: JsonObject; modified: JsonObject; current: JsonObject; want: JsonObject }>([
  { name: 'identical: empty patch', original: { a: 1 }, modified: { a: 1 }, current: { a: 1 }, want: {} },
  { name: 'changed scalar', original: { a: 1 }, modified: { a: 2 }, current: { a: 1 }, want: { a: 2 } },
  { name: 'added field', original: {}, modified: { a: 1 }, current: {}, want: { a: 1 } },
  { name: 'field removed from the manifest becomes null', original: { a: 1, b: 2 }, modified: { a: 1 }, current: { a: 1, b: 2 }, want: { b: null } },
  { name: 'a removed field already gone from live: nothing to send', original: { b: 2 }, modified: {}, current: {}, want: {} },
  { name: 'field set by someone else is kept (not in last-applied)', original: { a: 1 }, modified: { a: 1 }, current: { a: 1, c: 3 }, want: {} },
  { name: 'live drift is reverted to the manifest', original: { a: 1 }, modified: { a: 1 }, current: { a: 5 }, want: { a: 1 } },
  {
    name: 'nested deletion and change',
    original: { spec: { replicas: 2, paused: true } }, modified: { spec: { replicas: 3 } },
    current: { spec: { replicas: 2, paused: true, x: 1 } }, want: { spec: { replicas: 3, paused: null } },
  },
  {
    name: 'no last-applied (created by create): additions only, no deletions',
    modified: { metadata: { labels: { a: 'b' } } }, current: { metadata: { labels: { c: 'd' } } },
    want: { metadata: { labels: { a: 'b' } } },
  },
  {
    name: 'server defaults inside list items are not a change',
    original: { spec: { containers: [container()] } }, modified: { spec: { containers: [container()] } },
    current: { spec: { containers: [defaulted()] } }, want: {},
  },
  {
    name: 'changed list item: the whole list is sent',
    original: { spec: { containers: [container()] } }, modified: { spec: { containers: [container({ image: 'busybox:1.36' })] } },
    current: { spec: { containers: [defaulted()] } }, want: { spec: { containers: [container({ image: 'busybox:1.36' })] } },
  },
  {
    name: 'field removed from a list item: the whole list is sent',
    original: { spec: { containers: [container({ args: ['x'] })] } }, modified: { spec: { containers: [container()] } },
    current: { spec: { containers: [defaulted({ args: ['x'] })] } }, want: { spec: { containers: [container()] } },
  },
  {
    name: 'list length differs',
    original: { l: [1] }, modified: { l: [1, 2] }, current: { l: [1] }, want: { l: [1, 2] },
  },
  { name: 'object replaces scalar', original: { a: 1 }, modified: { a: { b: 1 } }, current: { a: 1 }, want: { a: { b: 1 } } },
  { name: 'explicit null in the manifest deletes a live field', original: {}, modified: { a: null }, current: { a: 1 }, want: { a: null } },
])('$name', ({ original, modified, current, want }) => {
  expect(threeWayMergePatch(original, modified, current)).toEqual(want);
});

test.each([
  { want: [{ a: 1 }], have: [{ a: 1, b: 2 }], equal: true },
  { want: [{ a: 1 }], have: [{ a: 2 }], equal: false },
  { want: [{ a: 1 }], have: [], equal: false },
  { want: { a: null }, have: {}, equal: true },
  { want: 'x', have: 'x', equal: true },
])('subsetEqual($want, $have) = $equal', ({ want, have, equal }) => {
  expect(subsetEqual(want, have)).toBe(equal);
});

const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default' }, spec: { containers: [container()] } };

test('last-applied is compact JSON with sorted keys, annotations:{} and a newline, as kubectl writes it', () => {
  expect(lastAppliedConfiguration(pod)).toBe(
    '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"hello","namespace":"default"},"spec":{"containers":[{"image":"busybox","name":"main"}]}}\n');
});

test('re-applying the same manifest to the created object is unchanged', () => {
  const created = withLastApplied(pod);
  const live: JsonObject = { ...created, metadata: { ...(created.metadata as JsonObject), uid: 'u1', resourceVersion: '5' },
    spec: { containers: [defaulted()], restartPolicy: 'Always' }, status: { phase: 'Running' } };
  expect(threeWayMergePatch(readLastApplied(live), withLastApplied(pod), live)).toEqual({});
});

test('a changed manifest patches the field and the annotation', () => {
  const live = withLastApplied(pod);
  const next: JsonObject = { ...pod, metadata: { name: 'hello', namespace: 'default', labels: { app: 'x' } } };
  const patch = threeWayMergePatch(readLastApplied(live), withLastApplied(next), live);
  expect(patch).toEqual({ metadata: { labels: { app: 'x' }, annotations: { [LAST_APPLIED]: lastAppliedConfiguration(next) } } });
});

test('an existing annotation survives and the last-applied one is not nested in itself', () => {
  const m: JsonObject = { ...pod, metadata: { name: 'a', annotations: { note: 'x', [LAST_APPLIED]: 'old' } } };
  const sent = withLastApplied(m);
  const ann = (sent.metadata as JsonObject).annotations as JsonObject;
  expect(ann.note).toBe('x');
  expect(JSON.parse(String(ann[LAST_APPLIED])).metadata.annotations).toEqual({ note: 'x' });
});

test('an unreadable annotation counts as absent', () => {
  expect(readLastApplied({ metadata: { annotations: { [LAST_APPLIED]: '{oops' } } })).toBeUndefined();
});
