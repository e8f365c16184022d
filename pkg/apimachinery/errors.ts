// Typed Status errors, one constructor per reason (apimachinery's errors.go). The HTTP layer
// writes a thrown StatusError as the response body; clients rebuild one from the body.
import type { Status, StatusCause } from '../../api/meta/v1';

export interface GroupResource { group: string; resource: string }

export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(readonly status: Status) { super(status.message); }
  get code(): number { return this.status.code; }
  get reason(): string | undefined { return this.status.reason; }
}

const grString = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

const failure = (code: number, reason: string, message: string, details?: Status['details']): StatusError =>
  new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });

export const notFound = (gr: GroupResource, name: string) =>
  failure(404, 'NotFound', `${grString(gr)} "${name}" not found`, { name, group: gr.group || undefined, kind: gr.resource });

export const alreadyExists = (gr: GroupResource, name: string) =>
  failure(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, { name, group: gr.group || undefined, kind: gr.resource });

export const conflict = (gr: GroupResource, name: string, why: string) =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${why}`,
    { name, group: gr.group || undefined, kind: gr.resource });

/** 422: one cause per field path, message as upstream (`Pod "x" is invalid: spec.containers[0].image: Required value`). */
export const invalid = (kind: string, group: string, name: string, causes: StatusCause[]) => {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`,
    { name, group: group || undefined, kind, causes });
};

/** 422 without field causes: a patch that does not apply (upstream's generic 422 response). */
export const unprocessable = (message: string) => failure(422, 'Invalid', message);
export const badRequest = (message: string) => failure(400, 'BadRequest', message);
export const forbidden = (message: string) => failure(403, 'Forbidden', message);
/** NewForbidden: `pods "x" is forbidden: <why>`, or `forbidden: <why>` for no resource (a path). */
export const forbiddenResource = (gr: GroupResource, name: string, why: string) => {
  const what = gr.resource ? `${grString(gr)}${name ? ` "${name}"` : ''} is forbidden` : 'forbidden';
  return failure(403, 'Forbidden', `${what}: ${why}`, { name: name || undefined, group: gr.group || undefined, kind: gr.resource || undefined });
};
export const unauthorized = (message = 'Unauthorized') => failure(401, 'Unauthorized', message);
export const methodNotAllowed = (message: string) => failure(405, 'MethodNotAllowed', message);
export const unsupportedMediaType = (contentType: string) =>
  failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got ${contentType})`);
export const requestEntityTooLarge = (message: string) => failure(413, 'RequestEntityTooLarge', message);
export const expired = (message: string) => failure(410, 'Expired', message);
export const gone = (message: string) => failure(410, 'Gone', message);
export const serviceUnavailable = (message: string) => failure(503, 'ServiceUnavailable', message);
export const timeout = (message: string) => failure(504, 'Timeout', message);
export const internal = (err: unknown) =>
  failure(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
export const pathNotFound = () => failure(404, 'NotFound', 'the server could not find the requested resource');

/** Rebuilds a StatusError from a response body; anything that is not a Status becomes a generic one. */
export const fromStatusBody = (code: number, body: unknown): StatusError => {
  if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') return new StatusError(body as Status);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return failure(code, code === 404 ? 'NotFound' : 'InternalError', `an error on the server ("${text.slice(0, 200)}") has prevented the request from succeeding`);
};

const hasReason = (reason: string) => (e: unknown): e is StatusError => e instanceof StatusError && e.status.reason === reason;
export const isNotFound = hasReason('NotFound');
export const isAlreadyExists = hasReason('AlreadyExists');
export const isConflict = hasReason('Conflict');
export const isInvalid = hasReason('Invalid');
export const isExpired = (e: unknown): e is StatusError => e instanceof StatusError && (e.status.reason === 'Expired' || e.status.reason === 'Gone');

/** An abort means cancelled, not failed. */
export const isAbort = (e: unknown): boolean => e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR');
