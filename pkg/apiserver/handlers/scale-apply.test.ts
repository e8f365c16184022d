import type { ManagedFieldsEntry } from '../../../api/meta/v1';
import { toParentManagers, toScaleManagers } from './scale-apply';

const entry = (manager: string, operation: 'Apply' | 'Update', fieldsV1: Record<string, unknown>, extra: Partial<ManagedFieldsEntry> = {}): ManagedFieldsEntry =>
  ({ manager, operation, apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1, ...extra });
const replicas = { 'f:spec': { 'f:replicas': {} } };
const parent = [
  entry('kubectl', 'Apply', { 'f:spec': { 'f:replicas': {}, 'f:template': {} } }),
  entry('controller', 'Update', { 'f:status': { 'f:replicas': {} } }, { subresource: 'status' }),
];

describe('scale managedFields mapping', () => {
  test('ToSubresource: only the owners of .spec.replicas, as autoscaling/v1 owners of the Scale', () => {
    const { entries } = toScaleManagers(parent);
    expect(entries).toEqual([{ manager: 'kubectl', operation: 'Apply', apiVersion: 'autoscaling/v1', fieldsType: 'FieldsV1', fieldsV1: replicas }]);
  });

  test('ToParent: a new owner gets a scale entry on the parent; the old owner keeps only its other fields', () => {
    const { origin } = toScaleManagers(parent);
    const scale = [entry('hpa', 'Apply', replicas, { apiVersion: 'autoscaling/v1', subresource: 'scale', time: '2025-01-01T00:00:00Z' })];
    const out = toParentManagers(parent, scale, origin, 'apps/v1');
    expect(out).toEqual(expect.arrayContaining([
      expect.objectContaining({ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:template': {} } } }),
      expect.objectContaining({ manager: 'hpa', operation: 'Apply', subresource: 'scale', apiVersion: 'apps/v1', fieldsV1: replicas }),
      expect.objectContaining({ manager: 'controller', subresource: 'status' }),
    ]));
  });

  test('ToParent: an owner that kept .spec.replicas keeps its whole parent entry (Update identity includes its version)', () => {
    const updater = [entry('old', 'Update', { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } }, { apiVersion: 'apps/v1' })];
    const { entries, origin } = toScaleManagers(updater);
    expect(toParentManagers(updater, entries, origin, 'apps/v1')).toEqual([
      expect.objectContaining({ manager: 'old', operation: 'Update', apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } } }),
    ]);
  });
});
