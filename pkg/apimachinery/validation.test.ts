import { Pod } from '../../api/core/v1';
import { ReplicaSet } from '../../api/apps/v1';
import { createValidator, fieldPath, stripUnknownFields } from './validation';

const validPod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' }, creationTimestamp: null },
  spec: { containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '100m', memory: 64 } }, ports: [{ containerPort: 80 }] }] },
};

describe('createValidator', () => {
  const validatePod = createValidator(Pod);

  test('valid pod', () => {
    expect(validatePod(validPod)).toEqual({ causes: [], unknownFields: [] });
  });

  test('compiles once per schema', () => {
    expect(createValidator(Pod)(validPod)).toEqual({ causes: [], unknownFields: [] });
  });

  test.each([
    { name: 'missing container name', spec: { containers: [{ image: 'x' }] },
      causes: [{ reason: 'FieldValueRequired', field: 'spec.containers[0].name', message: 'Required value' }], unknown: [] },
    { name: 'missing containers', spec: {},
      causes: [{ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' }], unknown: [] },
    { name: 'unknown fields', spec: { bogusField: 1, containers: [{ name: 'c', imagee: 'x' }] },
      causes: [], unknown: ['spec.bogusField', 'spec.containers[0].imagee'] },
    { name: 'wrong type', spec: { containers: [{ name: 'c', ports: [{ containerPort: 'eighty' }] }] },
      causes: [{ reason: 'FieldValueTypeInvalid', field: 'spec.containers[0].ports[0].containerPort',
        message: 'Invalid value: "string": spec.containers[0].ports[0].containerPort in body must be of type integer: "string"' }], unknown: [] },
    { name: 'int-or-string with an object', spec: { containers: [{ name: 'c', resources: { limits: { cpu: { a: 1 } } } }] },
      causes: [{ reason: 'FieldValueTypeInvalid', field: 'spec.containers[0].resources.limits.cpu',
        message: 'Invalid value: "object": spec.containers[0].resources.limits.cpu in body must be of type string,number: "object"' }], unknown: [] },
  ])('$name', ({ spec, causes, unknown }) => {
    const got = validatePod({ ...validPod, spec });
    expect(got.causes).toEqual(causes);
    expect(got.unknownFields).toEqual(unknown);
  });

  test('bad date-time is a format error', () => {
    const got = validatePod({ ...validPod, metadata: { name: 'p', creationTimestamp: 'yesterday' } });
    expect(got.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'metadata.creationTimestamp',
      message: 'Invalid value: "yesterday": metadata.creationTimestamp in body must be of type date-time: "yesterday"' }]);
  });

  test('replicas of the wrong type', () => {
    const got = createValidator(ReplicaSet)({ spec: { replicas: 'x', selector: {}, template: {} } });
    expect(got.causes).toContainEqual({ reason: 'FieldValueTypeInvalid', field: 'spec.replicas',
      message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' });
  });
});

describe('fieldPath', () => {
  test.each([
    { data: { a: { b: [{ c: 1 }] } }, pointer: '/a/b/0/c', extra: undefined, want: 'a.b[0].c' },
    { data: { metadata: { labels: {} } }, pointer: '/metadata/labels', extra: 'app.kubernetes.io/name', want: 'metadata.labels[app.kubernetes.io/name]' },
    { data: {}, pointer: '', extra: 'spec', want: 'spec' },
  ])('$pointer', ({ data, pointer, extra, want }) => {
    expect(fieldPath(data, pointer, extra)).toBe(want);
  });
});

describe('stripUnknownFields', () => {
  test('drops undeclared fields at every level, keeps maps and free-form fields', () => {
    const input = { ...validPod, bogus: 1, metadata: { ...validPod.metadata, extra: true },
      spec: { containers: [{ name: 'c', imagee: 'x', env: [{ name: 'A', value: '1', junk: 2 }] }] } };
    expect(stripUnknownFields(input, Pod)).toEqual({ ...validPod, spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }] } });
    expect(input.bogus).toBe(1);
  });
});
