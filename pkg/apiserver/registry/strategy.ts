// Per-resource behaviour (k8s registry/rest RESTCreateStrategy + RESTUpdateStrategy). Strategies
// are pure and synchronous: they get copies and return the object to store; the generic store
// handler does every I/O and the common metadata bookkeeping.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';

export interface Strategy {
  /** Clears what a client may not set and fills defaults. */
  prepareForCreate(obj: ApiObject): ApiObject;
  /** Same for updates; `old` is the stored object. Bumps generation on spec changes. */
  prepareForUpdate(obj: ApiObject, old: ApiObject): ApiObject;
  validate(obj: ApiObject): StatusCause[];
  validateUpdate(obj: ApiObject, old: ApiObject): StatusCause[];
}

export interface ResourceStrategy extends Strategy {
  /** Values of the fields usable in a fieldSelector (metadata.name and metadata.namespace are added by the caller). */
  fieldLabels(obj: ApiObject): Record<string, string>;
  /** The status subresource's strategy, when the resource has one. */
  status?: Strategy;
  /** Strategies of other subresources that write the object (certificatesigningrequests/approval). */
  subresources?: Record<string, Strategy>;
}

export const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', field, message: 'Required value' });
export const invalidValue = (field: string, value: unknown, detail: string): StatusCause =>
  ({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` });
export const forbiddenField = (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` });
export const duplicate = (field: string, value: unknown): StatusCause =>
  ({ reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${JSON.stringify(value)}` });
export const unsupported = (field: string, value: unknown, supported: string[]): StatusCause =>
  ({ reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` });

/** JSON-level deep equality (stored objects are plain JSON). */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
};

/** Bumps metadata.generation when `spec` changed (rsStrategy.PrepareForUpdate). */
export const bumpGenerationOnSpecChange = (obj: ApiObject, old: ApiObject): ApiObject => {
  const gen = old.metadata.generation ?? 1;
  return { ...obj, metadata: { ...obj.metadata, generation: deepEqual(obj.spec, old.spec) ? gen : gen + 1 } };
};

/** A status strategy: only `status` may change; everything else comes from the stored object. */
export const statusOnly = (validateStatus: (obj: ApiObject) => StatusCause[] = () => []): Strategy => ({
  prepareForCreate: (obj) => obj,
  prepareForUpdate: (obj, old) => ({ ...old, status: obj.status }),
  validate: validateStatus,
  validateUpdate: (obj) => validateStatus(obj),
});

const get = (obj: unknown, path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

/** Field-label values read from dotted paths; missing values are ''. */
export const fieldsAt = (obj: ApiObject, paths: string[]): Record<string, string> =>
  Object.fromEntries(paths.map((p) => {
    const v = get(obj, p.split('.'));
    return [p, v === undefined || v === null ? '' : String(v)];
  }));

export const immutableField = (field: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message: 'Invalid value: field is immutable' });

/** Upstream's ValidateImmutableField: one cause per listed path whose value changed. */
export const immutableFields = (obj: ApiObject, old: ApiObject, paths: string[]): StatusCause[] =>
  paths.filter((p) => !deepEqual(get(obj, p.split('.')), get(old, p.split('.')))).map((p) => immutableField(p));

export interface SimpleStrategyOptions {
  /** Defaults (admission's SetDefaults_*), applied on create and update. */
  defaults?: (obj: ApiObject) => ApiObject;
  /** Also applied on create only (allocations, generated selectors). */
  onCreate?: (obj: ApiObject) => ApiObject;
  /** Carries server-owned values across updates (allocated IPs, generated labels). */
  onUpdate?: (obj: ApiObject, old: ApiObject) => ApiObject;
  validate?: (obj: ApiObject) => StatusCause[];
  /** Extra update checks (immutable fields); validate() runs too. */
  validateUpdate?: (obj: ApiObject, old: ApiObject) => StatusCause[];
  /** The resource has a status subresource: status is dropped on create and kept from the stored object on update. */
  hasStatus?: boolean;
  /** Status to set on create (e.g. phase Pending). */
  initialStatus?: (obj: ApiObject) => unknown;
  fieldLabels?: string[];
}

/** The common shape of a strategy (most upstream strategy.go files): defaults, validation, status kept apart. */
export const simpleStrategy = (o: SimpleStrategyOptions): ResourceStrategy => {
  const defaults = o.defaults ?? ((x: ApiObject) => x);
  const validate = o.validate ?? (() => []);
  return {
    prepareForCreate: (obj) => {
      const out = defaults((o.onCreate ?? ((x: ApiObject) => x))(obj));
      if (o.initialStatus) return { ...out, status: o.initialStatus(out) };
      if (o.hasStatus) delete out.status;
      return out;
    },
    prepareForUpdate: (obj, old) => {
      let out = defaults((o.onUpdate ?? ((x: ApiObject) => x))(obj, old));
      if (o.hasStatus || o.initialStatus) out = { ...out, status: old.status };
      return o.hasStatus || o.initialStatus ? bumpGenerationOnSpecChange(out, old) : out;
    },
    validate,
    validateUpdate: (obj, old) => [...validate(obj), ...(o.validateUpdate?.(obj, old) ?? [])],
    fieldLabels: (obj) => fieldsAt(obj, o.fieldLabels ?? []),
    ...(o.hasStatus || o.initialStatus ? { status: statusOnly() } : {}),
  };
};
