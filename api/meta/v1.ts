// meta/v1: the parts every object shares. Field names and shapes follow upstream apimachinery.
import { Type, type Static } from '@sinclair/typebox';
import { Obj, Opt, Str, Int, Bool, StrMap, Time, AtomicList, AnyJSON } from './schema';

export const OwnerReference = Obj({
  apiVersion: Str('API version of the owner.'),
  kind: Str('Kind of the owner.'),
  name: Str('Name of the owner.'),
  uid: Str('UID of the owner.'),
  controller: Opt(Bool('True if the owner is the managing controller.')),
  blockOwnerDeletion: Opt(Bool('Owner cannot be deleted from storage until this reference is removed.')),
}, { description: 'Points at an object that owns this one.' });
export type OwnerReference = Static<typeof OwnerReference>;

export const ManagedFieldsEntry = Obj({
  manager: Opt(Str()),
  operation: Opt(Str()),
  apiVersion: Opt(Str()),
  time: Opt(Time()),
  fieldsType: Opt(Str()),
  fieldsV1: Opt(AnyJSON()),
  subresource: Opt(Str()),
});
export type ManagedFieldsEntry = Static<typeof ManagedFieldsEntry>;

export const ObjectMeta = Obj({
  name: Opt(Str('Unique name within a namespace.')),
  generateName: Opt(Str('Prefix for a server-generated name when name is empty.')),
  namespace: Opt(Str('Namespace of the object; empty means default.')),
  selfLink: Opt(Str()),
  uid: Opt(Str('Unique id set by the server.')),
  resourceVersion: Opt(Str('Opaque version used for optimistic concurrency and watches.')),
  generation: Opt(Int('Sequence number of the desired state, bumped on spec changes.')),
  creationTimestamp: Opt(Time('When the object was created.')),
  deletionTimestamp: Opt(Time('When graceful deletion started.')),
  deletionGracePeriodSeconds: Opt(Int()),
  labels: Opt(StrMap('Labels for organising and selecting objects.')),
  annotations: Opt(StrMap('Non-identifying metadata.')),
  ownerReferences: Opt(Type.Array(OwnerReference, {
    'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'],
  })),
  finalizers: Opt(Type.Array(Type.String(), { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' })),
  managedFields: Opt(AtomicList(ManagedFieldsEntry)),
}, { description: 'Standard object metadata.' });
export type ObjectMeta = Static<typeof ObjectMeta>;

export const ListMeta = Obj({
  selfLink: Opt(Str()),
  resourceVersion: Opt(Str()),
  continue: Opt(Str()),
  remainingItemCount: Opt(Int()),
});
export type ListMeta = Static<typeof ListMeta>;

export const LabelSelectorRequirement = Obj({
  key: Str(),
  operator: Str('In, NotIn, Exists or DoesNotExist.'),
  values: Opt(AtomicList(Type.String())),
});
export const LabelSelector = Obj({
  matchLabels: Opt(StrMap()),
  matchExpressions: Opt(AtomicList(LabelSelectorRequirement)),
}, { description: 'Selects objects by their labels.' });
export type LabelSelector = Static<typeof LabelSelector>;

export const Condition = Obj({
  type: Str(),
  status: Str('True, False or Unknown.'),
  observedGeneration: Opt(Int()),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
});
export type Condition = Static<typeof Condition>;

export interface StatusCause { reason?: string; message?: string; field?: string }
export interface StatusDetails {
  name?: string; group?: string; kind?: string; uid?: string;
  causes?: StatusCause[]; retryAfterSeconds?: number;
}
/** The body of every error response, and of some successful deletes. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: ListMeta;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** What every stored object has. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A schema type as read back from the server: metadata is always present. */
export type Stored<T> = T & ApiObject;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = ApiObject> { type: WatchEventType; object: T }

export interface List<T = ApiObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export const DeleteOptions = Obj({
  kind: Opt(Str()),
  apiVersion: Opt(Str()),
  gracePeriodSeconds: Opt(Int()),
  preconditions: Opt(Obj({ uid: Opt(Str()), resourceVersion: Opt(Str()) })),
  orphanDependents: Opt(Bool()),
  propagationPolicy: Opt(Str()),
  dryRun: Opt(Type.Array(Type.String())),
});
export type DeleteOptions = Static<typeof DeleteOptions>;
