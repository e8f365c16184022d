// events.k8s.io/v1 Events: a second view of the core Events in /registry/events/ (upstream
// stores one internal Event and converts, pkg/apis/events/v1/conversion.go). Reads convert the
// stored core shape to this one and writes convert back (views.ts, through the view store).
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Event as CoreEvent } from '../../../api/core/v1';
import type { Event } from '../../../api/events/v1';
import { eventStrategy } from './events';
import { invalidValue, required, simpleStrategy, unsupported, type ResourceStrategy } from './strategy';

/** core field ↔ events.k8s.io field, for the fields whose names differ. */
const renamed: Array<[keyof CoreEvent, keyof Event]> = [
  ['involvedObject', 'regarding'], ['message', 'note'], ['source', 'deprecatedSource'], ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'], ['count', 'deprecatedCount'], ['reportingComponent', 'reportingController'],
];

const rename = (obj: ApiObject, pairs: Array<[string, string]>, apiVersion: string): ApiObject => {
  const out: Record<string, unknown> = { ...obj, apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    delete out[from];
    if (obj[from] !== undefined && obj[from] !== '') out[to] = obj[from];
  }
  return out as ApiObject;
};

/** A stored core/v1 Event as events.k8s.io/v1 serves it. */
export const eventToEventsV1 = (obj: ApiObject): ApiObject => rename(obj, renamed, 'events.k8s.io/v1');

/** An events.k8s.io/v1 Event as core/v1 stores it. */
export const eventFromEventsV1 = (obj: ApiObject): ApiObject => rename(obj, renamed.map(([a, b]) => [b, a]), 'v1');

const tooLong = (field: string, max: number): StatusCause =>
  ({ reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` });

/** ValidateEventCreate for events.k8s.io/v1 requests (pkg/apis/core/validation/events.go). */
const validate = (obj: ApiObject): StatusCause[] => {
  const ev = obj as Event;
  const causes: StatusCause[] = [];
  if (!ev.eventTime) causes.push(required('eventTime'));
  if (ev.type && !['Normal', 'Warning'].includes(ev.type)) causes.push(unsupported('type', ev.type, ['Normal', 'Warning']));
  for (const f of ['reportingController', 'reportingInstance', 'action', 'reason'] as const) {
    const v = ev[f];
    if (!v) causes.push(required(f));
    else if (f !== 'reportingController' && v.length > 128) causes.push(tooLong(f, 128));
  }
  if (ev.note && ev.note.length > 1024) causes.push(tooLong('note', 1024));
  if (ev.series) {
    if (ev.series.count < 2) causes.push(invalidValue('series.count', ev.series.count, 'should be at least 2'));
    if (!ev.series.lastObservedTime) causes.push(required('series.lastObservedTime'));
  }
  const ns = ev.regarding?.namespace;
  if (ns && obj.metadata.namespace && ns !== obj.metadata.namespace) causes.push(invalidValue('regarding.namespace', ns, 'does not match event.namespace'));
  return causes;
};

/** events.k8s.io field selector → the core field label it is (AddFieldLabelConversionsForEvent). */
const fieldLabelsV1: Array<[string, string]> = [
  ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f): [string, string] => [`regarding.${f}`, `involvedObject.${f}`]),
  ['reason', 'reason'], ['reportingController', 'reportingComponent'], ['type', 'type'],
];

/** Validates in the events.k8s.io shape; field selectors are core's, under their events.k8s.io names. */
export const eventsV1Strategy: ResourceStrategy = {
  ...simpleStrategy({ validate }),
  fieldLabels: (obj) => {
    const core = eventStrategy.fieldLabels(eventFromEventsV1(obj));
    return Object.fromEntries(fieldLabelsV1.map(([v1, c]) => [v1, core[c] ?? '']));
  },
};
