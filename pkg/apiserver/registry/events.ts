// core/v1 Events: written by the scheduler (FailedScheduling), the agent and controllers; read by
// `kubectl describe` through involvedObject.* field selectors.
import type { Event } from '../../../api/core/v1';
import { fieldsAt, invalidValue, required, type ResourceStrategy } from './strategy';

const fields = [
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
  'reason', 'reportingComponent', 'source', 'type',
];

export const eventStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => obj,
  prepareForUpdate: (obj) => obj,
  validate: (obj) => {
    const ev = obj as unknown as Event;
    if (!ev.involvedObject) return [required('involvedObject')];
    const ns = ev.involvedObject.namespace;
    if (ns && obj.metadata.namespace && ns !== obj.metadata.namespace) {
      return [invalidValue('involvedObject.namespace', ns, 'does not match event.namespace')];
    }
    return [];
  },
  validateUpdate: () => [],
  fieldLabels: (obj) => {
    const f = fieldsAt(obj, fields);
    f.source = (obj as unknown as Event).source?.component ?? '';
    return f;
  },
};
