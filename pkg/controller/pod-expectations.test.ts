import type { ApiPod } from '../../api/core/v1';
import { UIDTrackingControllerExpectations } from '../client';
import { FakeClock } from '../client/fake-clock';
import { FakeInformer } from '../client/fake-informer';
import { ownerKeyOf, trackPodExpectations } from './pod-expectations';

const pod = (name: string, kind = 'DaemonSet', terminating = false): ApiPod => ({
  metadata: {
    name, namespace: 'ns', uid: `u-${name}`, ...(terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'owner', uid: 'o', controller: true }],
  },
}) as ApiPod;

describe('trackPodExpectations', () => {
  const setup = () => {
    const pods = new FakeInformer<ApiPod>();
    const expectations = new UIDTrackingControllerExpectations(new FakeClock(0));
    trackPodExpectations(pods, 'DaemonSet', expectations);
    return { expectations, pods };
  };

  it('settles expected creations as the owner\'s pods appear, ignoring other owners\' pods', () => {
    const { expectations, pods } = setup();
    expectations.expectCreations('ns/owner', 2);
    pods.apply(pod('a'));
    pods.apply(pod('x', 'ReplicaSet'));
    expect(expectations.satisfied('ns/owner')).toBe(false);
    pods.apply(pod('b'));
    expect(expectations.satisfied('ns/owner')).toBe(true);
  });

  it('settles expected deletions when a pod starts terminating or goes (tombstones too)', () => {
    const { expectations, pods } = setup();
    for (const n of ['a', 'b', 'c']) pods.apply(pod(n));
    expectations.expectDeletionsOf('ns/owner', ['ns/a', 'ns/b', 'ns/c']);
    pods.apply(pod('a', 'DaemonSet', true));
    pods.remove(pod('b'));
    expect(expectations.satisfied('ns/owner')).toBe(false);
    pods.vanish(pod('c'));
    expect(expectations.satisfied('ns/owner')).toBe(true);
  });

  it('names the owner only for the kind asked', () => {
    expect(ownerKeyOf(pod('a'), 'DaemonSet')).toBe('ns/owner');
    expect(ownerKeyOf(pod('a'), 'Job')).toBeUndefined();
  });
});
