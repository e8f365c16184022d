// Helpers shared by every Store implementation: what a key names, how objects are encoded,
// precondition checks and continue tokens. Mirrors apiserver's storage/etcd3 helpers.
import type { ApiObject } from '../../api/meta/v1';
import { resources } from '../../api/resources';
import { badRequest, conflict, expired, type GroupResource } from '../apimachinery/errors';
import type { Preconditions } from './interface';

/** `/registry/<resource>/[<namespace>/]<name>` → the GroupResource used in Status errors. */
export const groupResourceOfKey = (key: string): GroupResource => {
  const resource = key.split('/')[2] ?? '';
  const info = resources.find((r) => r.plural === resource);
  return { group: info?.group ?? '', resource };
};

/** The last path segment of a key is the object's name. */
export const nameOfKey = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

export const cloneObject = <T>(obj: T): T => structuredClone(obj);

/** resourceVersion is never stored; it is the revision the value was read at. */
export const encodeObject = (obj: ApiObject): string => {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  void _rv;
  return JSON.stringify({ ...obj, metadata });
};

export const decodeObject = (value: string, resourceVersion: string): ApiObject => {
  const obj = JSON.parse(value) as ApiObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion };
  return obj;
};

/** Returns a copy carrying `resourceVersion`. */
export const withResourceVersion = (obj: ApiObject, resourceVersion: string): ApiObject =>
  ({ ...cloneObject(obj), metadata: { ...cloneObject(obj.metadata ?? {}), resourceVersion } });

export const modifiedMessage = 'the object has been modified; please apply your changes to the latest version and try again';

/** Upstream's Preconditions.Check: uid first, then resourceVersion; both are Conflict (409). */
export const checkPreconditions = (key: string, cur: ApiObject, pre?: Preconditions): void => {
  if (!pre) return;
  const gr = groupResourceOfKey(key);
  const name = nameOfKey(key);
  if (pre.uid && pre.uid !== cur.metadata.uid) {
    throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
    throw conflict(gr, name, modifiedMessage);
  }
};

/** The first key after every key that starts with `prefix` (etcd's range_end for a prefix). */
export const prefixEnd = (prefix: string): Buffer => {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) { end[i]++; return end.subarray(0, i + 1); }
  }
  return Buffer.from([0]);
};

interface ContinueToken { rv: string; start: string }

export const encodeContinue = (rv: string, start: string): string =>
  Buffer.from(JSON.stringify({ rv, start })).toString('base64');

export const decodeContinue = (token: string, prefix: string): ContinueToken => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch (err) {
    throw badRequest(`continue key is not valid: ${err instanceof Error ? err.message : String(err)}`);
  }
  const t = parsed as Partial<ContinueToken> | null;
  if (!t || typeof t.rv !== 'string' || typeof t.start !== 'string' || !t.start.startsWith(prefix)) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { rv: t.rv, start: t.start };
};

export const continueExpired = () => expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');

export const listExpired = () => expired('The resourceVersion for the provided list is too old.');

export const tooOldResourceVersion = (rv: string, oldest: string) => expired(`too old resource version: ${rv} (${oldest})`);

/** '' and '0' mean "latest" for reads; anything else must be a non-negative integer. */
export const parseResourceVersion = (rv: string | undefined): number => {
  if (rv === undefined || rv === '') return 0;
  if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be an integer`);
  return Number(rv);
};
