// The request side of managedFields: who the manager of a write is (the fieldManager query,
// else the User-Agent's product as upstream's prefixFromUserAgent), its validation, and the
// field-manager scope of a resource endpoint.
import type { Request } from 'express';
import type { ApiObject, ManagedFieldsEntry, StatusCause } from '../../../api/meta/v1';
import { apiVersionOf } from '../../../api/resources';
import { StatusError } from '../../apimachinery/errors';
import { FieldSet, trackUpdate, type FieldManagerScope } from '../../apimachinery/managed-fields';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { queryOf, queryString } from './common';
import { rfc3339 } from './respond';

/**
 * Computes the managedFields of what a write stores: `cur` is the stored object (undefined on
 * create), `next` the object after the strategy, `requested` the managedFields the request carried.
 */
export type TrackFields = (cur: ApiObject | undefined, next: ApiObject, requested: ManagedFieldsEntry[] | undefined) => ManagedFieldsEntry[] | undefined;

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

export const fieldManagerMaxLength = 128;

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const unprintable = /[\p{C}\p{Z}]/u;

/** 422 for bad request options, as upstream's `PatchOptions.meta.k8s.io "" is invalid: …`. */
export const invalidOptions = (kind: OptionsKind, causes: StatusCause[]): StatusError => {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new StatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid',
    message: `${kind}.meta.k8s.io "" is invalid: ${summary}`, details: { group: 'meta.k8s.io', kind, causes },
  });
};

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export const fieldManagerCauses = (manager: string): StatusCause[] => {
  const causes: StatusCause[] = [];
  if (Buffer.byteLength(manager) > fieldManagerMaxLength) {
    causes.push({ reason: 'FieldValueTooLong', field: 'fieldManager', message: `Too long: may not be more than ${fieldManagerMaxLength} bytes` });
  }
  [...manager].forEach((ch, i) => {
    if (unprintable.test(ch) && ch !== ' ') {
      const cp = ch.codePointAt(0) ?? 0;
      causes.push({ reason: 'FieldValueInvalid', field: 'fieldManager', message: `Invalid value: ${JSON.stringify(manager)}: invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${i})` });
    }
  });
  return causes;
};

/** The product part of a User-Agent (`kubectl/v1.33.1 (linux/amd64) …` → `kubectl`), printable and at most 128 bytes. */
export const prefixFromUserAgent = (ua: string): string => {
  let out = '';
  for (const ch of ua.split('/')[0]) {
    if (unprintable.test(ch) && ch !== ' ') continue;
    if (Buffer.byteLength(out + ch) > fieldManagerMaxLength) break;
    out += ch;
  }
  return out;
};

/** The manager of a create, update or non-apply patch. */
export const managerOf = (req: Request, kind: OptionsKind): string => {
  const given = queryString(queryOf(req), 'fieldManager');
  if (given) {
    const causes = fieldManagerCauses(given);
    if (causes.length > 0) throw invalidOptions(kind, causes);
    return given;
  }
  return prefixFromUserAgent(req.headers['user-agent'] ?? '');
};

/**
 * Fields an endpoint's strategy resets, which nobody may own through it: `status` through the
 * main resource of kinds with a status subresource, `spec` through the status (or a CSR's
 * approval) subresource.
 */
export const resetFieldsOf = (ri: RequestInfo): FieldSet => {
  if (ri.subresource === 'status' || ri.subresource === 'approval') return FieldSet.of(['f:spec']);
  if (!ri.subresource && ri.resource.subresources.includes('status')) return FieldSet.of(['f:status']);
  return new FieldSet();
};

export const scopeOf = (ctx: HandlerContext, ri: RequestInfo): FieldManagerScope => ({
  schema: ri.resource.schema,
  apiVersion: apiVersionOf(ri.resource),
  kind: ri.resource.kind,
  subresource: ri.subresource,
  resetFields: resetFieldsOf(ri),
  now: rfc3339(ctx.now()),
});

/** managedFields bookkeeping of an Update operation (create, update, non-apply patch, scale). */
export const updateTracker = (ctx: HandlerContext, ri: RequestInfo, req: Request, kind: OptionsKind): TrackFields => {
  const manager = managerOf(req, kind);
  const scope = scopeOf(ctx, ri);
  return (cur, next, requested) => trackUpdate(scope, cur, next, manager, requested);
};
