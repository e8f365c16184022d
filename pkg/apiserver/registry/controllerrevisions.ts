// ControllerRevisions (ValidateControllerRevision*): immutable snapshots written by the
// DaemonSet and StatefulSet controllers; revision is non-negative and data never changes.
import type { ControllerRevision } from '../../../api/apps/v1';
import { immutableFields, simpleStrategy } from './strategy';
import { nonNegative } from './workload';

export const controllerRevisionStrategy = simpleStrategy({
  validate: (obj) => nonNegative('revision', (obj as ControllerRevision).revision),
  validateUpdate: (obj, old) => immutableFields(obj, old, ['data']),
});
