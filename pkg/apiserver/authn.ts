// Authentication by client certificate (CN = user, O = groups), verified by TLS against the
// cluster CA, or by service-account bearer token; a few read-only paths are served anonymously.
// What each user may do is RBAC's to say (authz/).
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { unauthorized } from '../apimachinery/errors';
import { sendJson } from './handlers/respond';

export interface UserInfo { name: string; groups: string[]; uid?: string; extra?: Record<string, string[]>; audiences?: string[] }

/** Resolves a bearer token to its user; undefined refuses it (401). Service account tokens: serviceaccount-token.ts. */
export type TokenAuthenticator = (token: string, audiences?: string[]) => Promise<UserInfo | undefined>;

const anonymousPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);
export const isAnonymousPath = (path: string): boolean => anonymousPaths.has(path) || path === '/openapi' || path.startsWith('/openapi/');

const asArray = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The user of each TLS connection: its client certificate cannot change after the handshake, so
 * it is read once per connection rather than per request (getPeerCertificate builds a new object
 * with the whole certificate every call). Null: the connection has no usable certificate.
 */
const usersBySocket = new WeakMap<TLSSocket, UserInfo | null>();

const certificateUser = (socket: TLSSocket): UserInfo | null => {
  if (!socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  if (!cert?.subject) return null;
  return { name: asArray(cert.subject.CN)[0] ?? '', groups: asArray(cert.subject.O) };
};

export const userOf = (req: Request): UserInfo | undefined => {
  const socket = req.socket as TLSSocket;
  let user = usersBySocket.get(socket);
  if (user === undefined) {
    // Requests arrive only after the handshake, so `authorized` and the certificate are final.
    user = certificateUser(socket);
    usersBySocket.set(socket, user);
  }
  return user ?? undefined;
};

const bearerOf = (req: Request): string | undefined => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
};

/** Client certificate first; then a bearer token, which must be valid when sent (no anonymous fallback). */
export const authenticateWith = (tokens?: TokenAuthenticator) => (req: Request, res: Response, next: NextFunction): void => {
  const user = userOf(req);
  if (user) {
    res.locals.user = user;
    next();
    return;
  }
  const bearer = tokens && bearerOf(req);
  if (tokens && bearer) {
    tokens(bearer).then((u) => {
      if (!u) {
        sendJson(res, 401, unauthorized().status);
        return;
      }
      res.locals.user = u;
      next();
    }, next);
    return;
  }
  if (isAnonymousPath(req.path)) {
    res.locals.user = { name: 'system:anonymous', groups: ['system:unauthenticated'] } satisfies UserInfo;
    next();
    return;
  }
  const err = unauthorized();
  sendJson(res, 401, err.status);
};

export const authenticate = authenticateWith();

/**
 * The user as upstream's authenticator chain reports it: every authenticated user is in
 * system:authenticated. An impersonated user (authz/impersonation.ts) is taken as it was built.
 */
export const requester = (res: Response): UserInfo => {
  const u = (res.locals.user as UserInfo | undefined) ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  if (res.locals.impersonated === true) return u;
  const authenticated = u.name !== 'system:anonymous' && !u.groups.includes('system:authenticated');
  return authenticated ? { ...u, groups: [...u.groups, 'system:authenticated'] } : u;
};
