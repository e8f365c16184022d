// Resources served as a view of another version's storage: the same etcd keys, converted on
// every read and write (upstream stores one internal version and converts at the edges).
import type { ApiObject } from '../../../api/meta/v1';
import { eventFromEventsV1, eventToEventsV1 } from './events-v1';
import { hpaFromV1, hpaToV1 } from './hpa-v1';

export interface StorageView {
  /** The stored object as this version serves it. */
  fromStorage(obj: ApiObject): ApiObject;
  /** A served object as it is stored; `stored` is the current stored object on updates. */
  toStorage(obj: ApiObject, stored?: ApiObject): ApiObject;
}

const views: Record<string, StorageView> = {
  'events.k8s.io/v1/events': { fromStorage: eventToEventsV1, toStorage: eventFromEventsV1 },
  'autoscaling/v1/horizontalpodautoscalers': { fromStorage: hpaToV1, toStorage: hpaFromV1 },
};

/** The view a served resource is, or undefined when it is served in its stored shape. */
export const storageViewOf = (r: { group: string; version: string; plural: string }): StorageView | undefined =>
  views[`${r.group}/${r.version}/${r.plural}`];
