// Schema validation with ajv (apiextensions-apiserver's structural validation messages).
// Unknown fields are reported apart from the other causes so the apiserver can apply
// fieldValidation: Strict → 422, Warn → Warning header, Ignore → stripUnknownFields.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { StatusCause } from '../../api/meta/v1';
import { isClosedObject, itemsSchema, propertySchema } from './schema-walk';

export interface ValidationResult { causes: StatusCause[]; unknownFields: string[] }
export type Validator = (obj: unknown) => ValidationResult;

// strict: false because schemas carry x-kubernetes-* extension keywords ajv does not know.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv, ['date-time', 'date', 'int32', 'int64', 'byte']);
const compiled = new WeakMap<TSchema, ValidateFunction>();

const compile = (schema: TSchema): ValidateFunction => {
  let fn = compiled.get(schema);
  if (!fn) { fn = ajv.compile(schema); compiled.set(schema, fn); }
  return fn;
};

const segments = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** `/spec/containers/0/name` → `spec.containers[0].name`; map keys with dots or slashes go in brackets. */
export const fieldPath = (data: unknown, pointer: string, extra?: string): string => {
  let out = '';
  let cur = data;
  for (const s of [...segments(pointer), ...(extra !== undefined ? [extra] : [])]) {
    if (Array.isArray(cur)) out += `[${s}]`;
    else if (/[./\s[\]]/.test(s)) out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
  }
  return out;
};

const valueAt = (data: unknown, pointer: string): unknown =>
  segments(pointer).reduce<unknown>((cur, s) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined), data);

/** go-openapi's names for JSON types. */
const typeName = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

/** Go's %#v-ish rendering used after "Invalid value:". */
const render = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(typeName(v)) : String(v));

const typeInvalid = (field: string, want: string, got: unknown): StatusCause => ({
  reason: 'FieldValueTypeInvalid', field,
  message: `Invalid value: "${typeName(got)}": ${field} in body must be of type ${want}: "${typeName(got)}"`,
});

const causeOf = (e: ErrorObject, data: unknown): StatusCause => {
  const field = fieldPath(data, e.instancePath);
  const value = valueAt(data, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { reason: 'FieldValueRequired', field: fieldPath(data, e.instancePath, String(p.missingProperty)), message: 'Required value' };
    case 'type':
      return typeInvalid(field, String(p.type), value);
    case 'enum':
      return { reason: 'FieldValueNotSupported', field,
        message: `Unsupported value: ${render(value)}: supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'format':
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${render(value)}: ${field} in body must be of type ${String(p.format)}: ${render(value)}` };
    default:
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${render(value)}: ${field} in body ${e.message ?? 'is invalid'}` };
  }
};

/**
 * A failed anyOf (int-or-string, quantities, nullable times) becomes one cause: the specific
 * error of a branch whose type matched (e.g. a bad date-time), else one listing every type.
 */
const anyOfCause = (e: ErrorObject, branchErrors: ErrorObject[], data: unknown): StatusCause[] => {
  const specific = branchErrors.filter((b) => b.keyword !== 'type' && b.keyword !== 'additionalProperties');
  if (specific.length > 0) return specific.map((b) => causeOf(b, data));
  const types = branchErrors.filter((b) => b.keyword === 'type').map((b) => String((b.params as { type: unknown }).type));
  return [typeInvalid(fieldPath(data, e.instancePath), [...new Set(types)].join(','), valueAt(data, e.instancePath))];
};

const collect = (errors: ErrorObject[], data: unknown): ValidationResult => {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const underAnyOf = (e: ErrorObject) => anyOfs.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const causes: StatusCause[] = [];
  const unknownFields: string[] = [];
  for (const e of errors) {
    if (underAnyOf(e)) continue;
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      causes.push(...anyOfCause(e, errors.filter((b) => b.schemaPath.startsWith(`${e.schemaPath}/`)), data));
    } else if (e.keyword === 'additionalProperties') {
      unknownFields.push(fieldPath(data, e.instancePath, String((e.params as { additionalProperty: unknown }).additionalProperty)));
    } else {
      causes.push(causeOf(e, data));
    }
  }
  const seen = new Set<string>();
  const unique = causes.filter((c) => { const k = `${c.field}\0${c.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
  return { causes: unique, unknownFields: [...new Set(unknownFields)] };
};

/** Compiles `schema` once (cached per schema object) and returns a validator. */
export const createValidator = (schema: TSchema): Validator => {
  const fn = compile(schema);
  return (obj) => (fn(obj) ? { causes: [], unknownFields: [] } : collect(fn.errors ?? [], obj));
};

/** A copy of `obj` without the fields `schema` does not declare (fieldValidation=Ignore). */
export const stripUnknownFields = (obj: unknown, schema: TSchema | undefined): unknown => {
  if (Array.isArray(obj)) return obj.map((item) => stripUnknownFields(item, itemsSchema(schema)));
  if (!obj || typeof obj !== 'object') return obj;
  const closed = isClosedObject(schema);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const sub = propertySchema(schema, k);
    if (closed && sub === undefined) continue;
    out[k] = stripUnknownFields(v, sub);
  }
  return out;
};
