// Helpers for writing API schemas once. Every object is closed (additionalProperties: false)
// so that unknown fields can be reported per fieldValidation, as upstream's strict decoder does.
import { Type, type TProperties, type TSchema, type ObjectOptions, type ArrayOptions } from '@sinclair/typebox';

/** A closed object: every property optional unless wrapped with `Req`. */
export const Obj = <T extends TProperties>(props: T, opts: ObjectOptions = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Opt = Type.Optional;
export const Str = (description?: string) => Type.String(description ? { description } : {});
export const Int = (description?: string) => Type.Integer(description ? { description } : {});
/** int32 fields: ajv-formats checks the range, as upstream's decoder does. */
export const Int32 = (description?: string) => Type.Integer({ format: 'int32', ...(description ? { description } : {}) });
export const Num = (description?: string) => Type.Number({ format: 'double', ...(description ? { description } : {}) });
export const Bool = (description?: string) => Type.Boolean(description ? { description } : {});
export const StrMap = (description?: string) =>
  Type.Record(Type.String(), Type.String(), description ? { description } : {});

/** int-or-string, as used by ports and rolling-update settings. */
export const IntOrString = (description?: string) =>
  Type.Union([Type.Integer(), Type.String()], { 'x-kubernetes-int-or-string': true, ...(description ? { description } : {}) });

/** A resource quantity (`100m`, `64Mi`, `1`). Numbers are accepted as upstream's decoder does. */
export const Quantity = (description?: string) =>
  Type.Union([Type.String(), Type.Number()], { 'x-kubernetes-int-or-string': true, ...(description ? { description } : {}) });

/** RFC 3339 time; `null` is accepted because clients send `creationTimestamp: null`. */
export const Time = (description?: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], description ? { description } : {});

/** A list merged by key in strategic merge patch (containers by name, ports by containerPort, …). */
export const MergeList = <T extends TSchema>(item: T, mergeKey: string, opts: ArrayOptions = {}) =>
  Type.Array(item, {
    'x-kubernetes-patch-merge-key': mergeKey,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [mergeKey],
    ...opts,
  });

/** A list replaced whole by patches. */
export const AtomicList = <T extends TSchema>(item: T, opts: ArrayOptions = {}) =>
  Type.Array(item, { 'x-kubernetes-list-type': 'atomic', ...opts });

/** Free-form JSON, for fields whose shape we do not check (raw extensions). */
export const AnyJSON = (description?: string) =>
  Type.Unknown({ 'x-kubernetes-preserve-unknown-fields': true, ...(description ? { description } : {}) });
