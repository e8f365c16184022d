// serviceaccounts/<name>/token (TokenRequest, POST authentication.k8s.io/v1), as upstream's
// pkg/registry/core/serviceaccount/storage/token.go: a signed token for the service account,
// optionally bound to a Pod, Secret or Node; and the authenticator that accepts such tokens
// while the service account (and the bound object) still exist with the uid they had.
import type { Request, Response } from 'express';
import type { ApiObject } from '../../api/meta/v1';
import type { TokenRequest } from '../../api/authentication/v1';
import { badRequest, conflict, invalid, isNotFound } from '../apimachinery/errors';
import { objectKey } from '../storage';
import type { HandlerContext } from './handlers/context';
import type { RequestInfo } from './request-info';
import { checkSchema, fieldValidationOf, parseBody } from './handlers/body';
import { queryOf } from './handlers/common';
import { withoutNulls } from './reviews';
import { subresourceKinds, type ResourceInfo } from '../../api/resources';
import { rfc3339, sendJson } from './handlers/respond';
import type { TokenAuthenticator } from './authn';
import {
  newClaims, serviceAccountKeys, serviceAccountUser, signToken, tokenIssuer, verifyToken, type BoundRef, type KubernetesClaim,
} from './serviceaccount-jwt';

const defaultExpirationSeconds = 3600;
const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;

/** Kinds a token may be bound to, by the claim that names them and where they are stored. */
const bindable: Record<string, { claim: 'pod' | 'secret' | 'node'; resource: string; namespaced: boolean }> = {
  Pod: { claim: 'pod', resource: 'pods', namespaced: true },
  Secret: { claim: 'secret', resource: 'secrets', namespaced: true },
  Node: { claim: 'node', resource: 'nodes', namespaced: false },
};

/** What the body is checked against: TokenRequest is no stored resource, only this subresource's body. */
const tokenRequestInfo: ResourceInfo = {
  group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', listKind: 'TokenRequestList', plural: 'tokenrequests', singular: 'tokenrequest',
  namespaced: true, shortNames: [], categories: [], subresources: [], schema: subresourceKinds.TokenRequest, columns: [],
};

const asTokenRequest = (ctx: HandlerContext, req: Request, res: Response, body: unknown): TokenRequest => {
  const tr = body as Partial<TokenRequest> | undefined;
  if (!tr || typeof tr !== 'object' || Array.isArray(tr) || (tr.kind !== undefined && tr.kind !== 'TokenRequest')) {
    throw badRequest(`not a TokenRequest: ${JSON.stringify((tr as { kind?: unknown } | undefined)?.kind ?? null)}`);
  }
  const spec = typeof tr.spec === 'object' && tr.spec !== null ? tr.spec : {};
  // Typed clients send `audiences: null` for none (the schema wants a list) and null for other unset fields.
  const { status: _status, ...rest } = tr;
  void _status; // set by the server only
  const obj = withoutNulls({ ...rest, metadata: tr.metadata ?? {}, spec: { ...spec, audiences: (spec as { audiences?: unknown }).audiences ?? [] } }) as ApiObject;
  return checkSchema(ctx, tokenRequestInfo, obj, fieldValidationOf(queryOf(req)), res) as unknown as TokenRequest;
};

/** ValidateTokenRequest (pkg/apis/authentication/validation). */
const validateExpiration = (seconds: number, name: string): void => {
  const field = 'spec.expirationSeconds';
  if (seconds < minExpirationSeconds) {
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${seconds}: may not specify a duration less than 10 minutes` }]);
  }
  if (seconds > maxExpirationSeconds) {
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${seconds}: may not specify a duration larger than 2^32 seconds` }]);
  }
};

/** The bound object's claim; checks that it exists, runs as this service account (pods) and has the uid asked for. */
const boundClaim = async (ctx: HandlerContext, namespace: string, saName: string, ref: NonNullable<TokenRequest['spec']['boundObjectRef']>):
  Promise<{ claim: 'pod' | 'secret' | 'node'; ref: BoundRef }> => {
  const b = ref.kind ? bindable[ref.kind] : undefined;
  if (!b || (ref.apiVersion && ref.apiVersion !== 'v1')) throw badRequest(`cannot bind token to object of type ${ref.apiVersion ?? ''}, Kind=${ref.kind ?? ''}`);
  const obj = await ctx.store.get(objectKey(b.resource, b.namespaced ? namespace : undefined, ref.name ?? ''));
  if (b.claim === 'pod' && (obj as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName !== saName) {
    throw badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
  }
  const uid = obj.metadata.uid ?? '';
  if (ref.uid && ref.uid !== uid) {
    throw conflict({ group: '', resource: ref.kind ?? '' }, ref.name ?? '',
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return { claim: b.claim, ref: { name: obj.metadata.name ?? '', uid } };
};

export const handleTokenRequest = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const tr = asTokenRequest(ctx, req, res, parseBody(req));
  const sa = await ctx.store.get(objectKey('serviceaccounts', ri.namespace, ri.name));
  const seconds = tr.spec.expirationSeconds ?? defaultExpirationSeconds;
  validateExpiration(seconds, ri.name);
  const audiences = tr.spec.audiences.length > 0 ? tr.spec.audiences : [tokenIssuer];
  const claim: KubernetesClaim = { namespace: ri.namespace, serviceaccount: { name: ri.name, uid: sa.metadata.uid ?? '' } };
  let boundObjectRef = tr.spec.boundObjectRef;
  if (boundObjectRef) {
    const bound = await boundClaim(ctx, ri.namespace, ri.name, boundObjectRef);
    claim[bound.claim] = bound.ref;
    boundObjectRef = { ...boundObjectRef, apiVersion: boundObjectRef.apiVersion || 'v1', uid: bound.ref.uid };
  }
  const now = ctx.now();
  const claims = newClaims(claim, audiences, now, seconds);
  const token = signToken(serviceAccountKeys(ctx.pkiDir), claims);
  ctx.log.v(2, 'issued a service account token', { namespace: ri.namespace, serviceaccount: ri.name, jti: claims.jti });
  sendJson(res, 201, {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: ri.name, namespace: ri.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: boundObjectRef ?? null },
    status: { token, expirationTimestamp: rfc3339(new Date(claims.exp * 1000)) },
  });
};

const getOrUndefined = async (get: () => Promise<ApiObject>): Promise<ApiObject | undefined> => {
  try {
    return await get();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

const isLive = (obj: ApiObject | undefined, uid: string): boolean => obj?.metadata.uid === uid && !obj.metadata.deletionTimestamp;

/**
 * Whether the object at `key` exists with `uid`: from the watch cache (upstream reads a lister),
 * and from etcd only when the cache does not say yes (an object created moments ago).
 */
const stillThere = async (ctx: HandlerContext, key: string, uid: string): Promise<boolean> =>
  isLive(await getOrUndefined(() => ctx.store.get(key, { resourceVersion: '0' })), uid) || isLive(await getOrUndefined(() => ctx.store.get(key)), uid);

/**
 * Upstream's service account token authenticator (pkg/serviceaccount/jwt.go + the legacy and
 * bound validators): our signature, time and audience, then the service account and the bound
 * object must exist with the uids the token names.
 */
export const serviceAccountTokenAuthenticator = (ctx: HandlerContext): TokenAuthenticator => async (token, audiences) => {
  const claims = verifyToken(serviceAccountKeys(ctx.pkiDir), token, ctx.now(), audiences);
  if (!claims) return undefined;
  const k = claims['kubernetes.io'];
  if (!(await stillThere(ctx, objectKey('serviceaccounts', k.namespace, k.serviceaccount.name), k.serviceaccount.uid))) return undefined;
  for (const [kind, b] of Object.entries(bindable)) {
    const ref = k[b.claim];
    if (ref && !(await stillThere(ctx, objectKey(b.resource, b.namespaced ? k.namespace : undefined, ref.name), ref.uid))) {
      ctx.log.v(2, 'service account token refused: its bound object is gone', { kind, name: ref.name });
      return undefined;
    }
  }
  const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
  if (k.pod) Object.assign(extra, { 'authentication.kubernetes.io/pod-name': [k.pod.name], 'authentication.kubernetes.io/pod-uid': [k.pod.uid] });
  if (k.node) Object.assign(extra, { 'authentication.kubernetes.io/node-name': [k.node.name], 'authentication.kubernetes.io/node-uid': [k.node.uid] });
  return {
    name: serviceAccountUser(k.namespace, k.serviceaccount.name),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
    uid: k.serviceaccount.uid, extra, audiences: claims.aud.filter((a) => (audiences ?? [tokenIssuer]).includes(a)),
  };
};
