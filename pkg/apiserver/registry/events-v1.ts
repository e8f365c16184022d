// events.k8s.io/v1 Events: a second view of the core Events in /registry/events/ (upstream
// stores one internal Event and converts, pkg/apis/events/v1/conversion.go). Reads convert the
// stored core shape to this one; writes convert back before storing.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Event as CoreEvent } from '../../../api/core/v1';
import type { Event } from '../../../api/events/v1';
import { required, simpleStrategy, unsupported } from './strategy';

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

const validate = (obj: ApiObject): StatusCause[] => {
  const ev = obj as Event;
  const causes: StatusCause[] = [];
  for (const f of ['reportingController', 'reportingInstance', 'action', 'reason'] as const) if (!ev[f]) causes.push(required(f));
  if (ev.type && !['Normal', 'Warning'].includes(ev.type)) causes.push(unsupported('type', ev.type, ['Normal', 'Warning']));
  return causes;
};

/** Validates in the events.k8s.io shape; the handler converts with eventFromEventsV1 to store. */
export const eventsV1Strategy = { ...simpleStrategy({ validate }), toStorage: eventFromEventsV1, fromStorage: eventToEventsV1 };
