import type { ApiObject } from '../../../api/meta/v1';
import { strategies } from './index';
import { coreV1Printers } from '../printers-core';

const rc = (spec: Record<string, unknown>): ApiObject => ({ metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec });
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
const create = (o: ApiObject) => strategies.replicationcontrollers.prepareForCreate(structuredClone(o));

test('replicas default to 1 and an empty selector to the template labels', () => {
  expect(create(rc({ template }))).toMatchObject({ spec: { replicas: 1, selector: { app: 'web' }, template: { spec: { restartPolicy: 'Always' } } } });
});

test.each([
  { name: 'a selector the template does not carry', spec: { selector: { app: 'other' }, template }, want: /spec.template.metadata.labels/ },
  { name: 'negative replicas', spec: { replicas: -1, template }, want: /spec.replicas: Invalid value: -1/ },
])('refuses $name', ({ spec, want }) => {
  const causes = strategies.replicationcontrollers.validate(create(rc(spec))).map((c) => `${c.field}: ${c.message}`);
  expect(causes.join('\n')).toMatch(want);
});

test('prints like kubectl: DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR', () => {
  const obj = { ...create(rc({ replicas: 3, template })), status: { replicas: 2, readyReplicas: 1 } };
  expect(coreV1Printers.ReplicationController(obj, new Date())).toEqual(['web', 3, 2, 1, expect.any(String), 'c', 'busybox', 'app=web']);
});
