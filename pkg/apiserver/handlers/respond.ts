// Writing responses: JSON bodies, and every error as a meta/v1 Status (StatusError), anything
// else becoming a logged 500 InternalError.
import type { Response } from 'express';
import { StatusError, internal } from '../../apimachinery/errors';
import type { Logger } from '../../log';

export const sendJson = (res: Response, code: number, body: unknown, contentType = 'application/json'): void => {
  const text = JSON.stringify(body);
  res.status(code).set('Content-Type', contentType).send(text);
};

export const toStatusError = (err: unknown, log: Logger): StatusError => {
  if (err instanceof StatusError) return err;
  log.error('internal error', { err: err instanceof Error ? err.stack ?? err.message : String(err) });
  return internal(err);
};

export const sendError = (res: Response, err: unknown, log: Logger): void => {
  const se = toStatusError(err, log);
  if (res.headersSent) {
    log.warn('error after headers were sent', { err: se.message });
    res.end();
    return;
  }
  sendJson(res, se.status.code, se.status);
};

/** RFC 3339 with seconds, as upstream's metav1.Time marshals. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
