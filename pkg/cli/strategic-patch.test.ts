// The three-way strategic merge patch, checked by what it does: each patch is applied with the
// apiserver's own strategic merge (the real Deployment schema) to the live object.
import { resourceForKind } from '../../api/resources';
import { applyStrategicMergePatch } from '../apimachinery';
import type { JsonObject } from './merge-patch';
import { lookupPatchMeta } from './patch-meta';
import { createApplyPatch, threeWayStrategicPatch } from './strategic-patch';

const container = (name: string, image: string, extra: JsonObject = {}): JsonObject => ({ name, image, ...extra });
const deployment = (containers: JsonObject[], volumes?: JsonObject[]): JsonObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...(volumes ? { volumes } : {}) } } },
});
const schema = resourceForKind('apps/v1', 'Deployment')!.schema;
const apply = async (original: JsonObject | undefined, modified: JsonObject, live: JsonObject) => {
  const meta = (await lookupPatchMeta('apps/v1', 'Deployment'))!;
  const patch = threeWayStrategicPatch(original, modified, live, meta);
  return { patch, result: applyStrategicMergePatch(live, patch, schema) as JsonObject };
};
const podSpec = (d: JsonObject) => ((d.spec as JsonObject).template as JsonObject).spec as JsonObject;

test('another writer\'s container and an edited field survive; the changed container changes', async () => {
  const original = deployment([container('a', 'nginx:1'), container('b', 'redis:1')]);
  const live = deployment([
    container('a', 'nginx:1', { imagePullPolicy: 'IfNotPresent', env: [{ name: 'EDITED', value: 'by-hand' }] }),
    container('b', 'redis:1', { imagePullPolicy: 'IfNotPresent' }),
    container('sidecar', 'busybox', { imagePullPolicy: 'Always' }),
  ]);
  const modified = deployment([container('a', 'nginx:1'), container('b', 'redis:2')]);
  const { patch, result } = await apply(original, modified, live);
  expect(patch).toEqual({ spec: { template: { spec: {
    containers: [{ name: 'b', image: 'redis:2' }], '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
  } } } });
  expect(podSpec(result).containers).toEqual([
    container('a', 'nginx:1', { imagePullPolicy: 'IfNotPresent', env: [{ name: 'EDITED', value: 'by-hand' }] }),
    container('b', 'redis:2', { imagePullPolicy: 'IfNotPresent' }),
    container('sidecar', 'busybox', { imagePullPolicy: 'Always' }),
  ]);
});

test('what the manifest dropped is deleted: a container, an env var, a field', async () => {
  const original = deployment([container('a', 'nginx:1', { env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], workingDir: '/w' }), container('b', 'redis:1')]);
  const live = deployment([container('a', 'nginx:1', { env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], workingDir: '/w' }), container('b', 'redis:1')]);
  const modified = deployment([container('a', 'nginx:1', { env: [{ name: 'X', value: '1' }] })]);
  const { patch, result } = await apply(original, modified, live);
  expect(podSpec(result).containers).toEqual([container('a', 'nginx:1', { env: [{ name: 'X', value: '1' }] })]);
  const spec = ((patch.spec as JsonObject).template as JsonObject).spec as JsonObject;
  expect(spec.containers).toContainEqual({ $patch: 'delete', name: 'b' });
  expect(spec['$setElementOrder/containers']).toEqual([{ name: 'a' }]);
});

test('unchanged is {} even though the live object carries defaults', async () => {
  const manifest = deployment([container('a', 'nginx:1', { ports: [{ containerPort: 80 }] })]);
  const live = deployment([container('a', 'nginx:1', { ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' })]);
  expect((await apply(manifest, manifest, live)).patch).toEqual({});
});

test('a volume that changes source carries $retainKeys, so the old source is cleared', async () => {
  const original = deployment([container('a', 'nginx:1')], [{ name: 'data', emptyDir: {} }]);
  const modified = deployment([container('a', 'nginx:1')], [{ name: 'data', configMap: { name: 'cm' } }]);
  const { patch, result } = await apply(original, modified, original);
  const spec = ((patch.spec as JsonObject).template as JsonObject).spec as JsonObject;
  expect(spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cm' }, emptyDir: null, $retainKeys: ['configMap', 'name'] }]);
  expect(podSpec(result).volumes).toEqual([{ name: 'data', configMap: { name: 'cm' } }]);
});

test('scalar merge lists (finalizers): additions merged, removals as $deleteFromPrimitiveList', async () => {
  const withFinalizers = (f: string[]): JsonObject => ({ ...deployment([container('a', 'x')]), metadata: { name: 'web', finalizers: f } });
  const { patch, result } = await apply(withFinalizers(['a', 'b']), withFinalizers(['a', 'c']), withFinalizers(['a', 'b', 'other']));
  expect(patch).toEqual({ metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'c'] } });
  expect([...(result.metadata as JsonObject).finalizers as string[]].sort()).toEqual(['a', 'c', 'other']);
});

test('kinds Berth does not build in get a JSON merge patch', async () => {
  const widget = (v: number): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [v] } });
  expect(await createApplyPatch(widget(1), widget(2), widget(1))).toEqual({ patch: { spec: { items: [2] } }, contentType: 'application/merge-patch+json' });
  expect((await createApplyPatch(undefined, deployment([container('a', 'b')]), deployment([]))).contentType).toBe('application/strategic-merge-patch+json');
});
