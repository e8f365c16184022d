// A fake serviceaccounts/token subresource for unit tests: issues `token-<n>` for the service
// accounts it knows, with the expiry the request asks for on the injected clock, and records
// each TokenRequest body. Unknown service accounts get NotFound, as from the apiserver.
import type { TokenRequest } from '../../api/authentication/v1';
import type { ApiServiceAccount } from '../../api/core/v1';
import { notFound } from '../apimachinery/errors';
import type { ResourceClient } from '../client/types';
import type { Clock } from './clock';

export class FakeTokenIssuer implements Pick<ResourceClient<ApiServiceAccount>, 'createSubresource'> {
  /** `namespace/name` of the service accounts that exist. */
  readonly serviceAccounts = new Set<string>(['default/default']);
  readonly requests: { namespace: string; name: string; body: TokenRequest }[] = [];
  /** When set, every request fails with it. */
  failWith?: Error;
  /** When set, the lifetime the "server" grants instead of the one asked for. */
  grantSeconds?: number;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  async createSubresource(namespace: string, name: string, subresource: string, body: unknown): Promise<unknown> {
    if (subresource !== 'token') throw new Error(`subresource ${subresource} not faked`);
    const tr = body as TokenRequest;
    this.requests.push({ namespace, name, body: tr });
    if (this.failWith) throw this.failWith;
    if (!this.serviceAccounts.has(`${namespace}/${name}`)) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
    const seconds = this.grantSeconds ?? tr.spec.expirationSeconds ?? 3600;
    return {
      ...tr, spec: { ...tr.spec, expirationSeconds: seconds },
      status: { token: `token-${this.requests.length}`, expirationTimestamp: new Date(this.clock.now() + seconds * 1000).toISOString() },
    };
  }
}
