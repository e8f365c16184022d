import type { ApiObject } from '../../../api/meta/v1';
import { leaseStrategy } from './leases';

const lease = (spec: Record<string, unknown>): ApiObject => ({ metadata: { name: 'node-a', namespace: 'kube-node-lease' }, spec });

describe('lease strategy', () => {
  it.each([
    ['a node heartbeat', { holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.000000Z' }, []],
    ['zero duration', { leaseDurationSeconds: 0 }, ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    ['negative transitions', { leaseTransitions: -1 }, ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
    ['preferredHolder without strategy', { preferredHolder: 'b' }, ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']],
  ])('%s', (_n, spec, want) => {
    const obj = leaseStrategy.prepareForCreate(lease(spec));
    expect(leaseStrategy.validate(obj).map((c) => `${c.field}: ${c.message}`)).toEqual(want);
    expect(leaseStrategy.validateUpdate(obj, obj)).toHaveLength(want.length);
  });
});
