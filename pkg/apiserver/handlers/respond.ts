// Writing responses: JSON bodies, and every error as a meta/v1 Status (StatusError), anything
// else becoming a logged 500 InternalError.
import type { Response } from 'express';
import { StatusError, internal } from '../../apimachinery/errors';
import type { Logger } from '../../log';

/**
 * Writes an encoded body straight to node's response: express's send would only add freshness
 * and ETag checks an API response never needs, and a charset parameter upstream does not send.
 * Headers set before (Warning, Vary, …) go out with it.
 */
export const sendBytes = (res: Response, code: number, body: Buffer | string, contentType = 'application/json'): void => {
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
};

export const sendJson = (res: Response, code: number, body: unknown, contentType = 'application/json'): void => {
  sendBytes(res, code, JSON.stringify(body), contentType);
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
export const rfc3339 = (d: Date): string => {
  const iso = d.toISOString();
  // `YYYY-MM-DDTHH:MM:SS.sssZ` for years 0–9999; expanded years (±YYYYYY) keep the general path.
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
};
