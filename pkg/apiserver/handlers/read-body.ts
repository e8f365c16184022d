// Reads a request body into req.body as one Buffer, as express.raw({ type: () => true }) does,
// without body-parser's per-request content-type parsing, decoder and stream plumbing (a few % of
// a pod create's CPU). Bodies with a Content-Encoding go to `fallback` (express.raw), which
// inflates gzip/deflate and rejects other encodings. Failures are the errors body-parser raises
// (same `type` and status), so the app's body-error handler answers them the same way.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** body-parser's error shape: an HTTP status and a machine-readable type. */
export const bodyError = (status: number, type: string, message: string): Error =>
  Object.assign(new Error(message), { status, statusCode: status, type, expose: true });

/** type-is's hasBody: a Transfer-Encoding, or a Content-Length that is a number. */
const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length'] ?? NaN));

export const readBody = (limit: number, fallback: RequestHandler) => (req: Request, res: Response, next: NextFunction): void => {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    fallback(req, res, next);
    return;
  }
  req.body = {};
  if (!hasBody(req)) {
    next();
    return;
  }
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  /** An error is reported once the client has finished sending (so its connection stays usable). */
  const fail = (err: Error) => {
    if (settled) return;
    settled = true;
    chunks.length = 0;
    req.removeListener('data', onData);
    if (req.complete) {
      next(err);
      return;
    }
    let reported = false;
    const report = () => {
      if (reported) return;
      reported = true;
      next(err);
    };
    req.once('end', report);
    req.once('close', report);
    req.resume();
  };
  const tooLarge = () => bodyError(413, 'entity.too.large', 'request entity too large');
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) fail(tooLarge());
    else chunks.push(chunk);
  };
  if (declared !== undefined && declared > limit) {
    fail(tooLarge());
    return;
  }
  req.on('data', onData);
  req.once('end', () => {
    if (settled) return;
    settled = true;
    if (declared !== undefined && received !== declared) {
      next(bodyError(400, 'request.size.invalid', 'request size did not match content length'));
      return;
    }
    req.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
    next();
  });
  req.once('aborted', () => {
    if (settled) return;
    settled = true;
    next(bodyError(400, 'request.aborted', 'request aborted'));
  });
  req.once('error', (err: Error) => fail(bodyError(400, 'stream.error', err.message)));
};
