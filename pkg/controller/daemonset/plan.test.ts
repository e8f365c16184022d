import type { ApiDaemonSet } from '../../../api/apps/v1';
import type { ApiNode, ApiPod } from '../../../api/core/v1';
import { planDaemonSet, podForNode, shouldRunOn, templateHash, REVISION_HASH_LABEL } from './plan';

const node = (name: string, labels: Record<string, string> = {}, taints: Array<{ key: string; effect: string; value?: string }> = []): ApiNode =>
  ({ metadata: { name, labels }, spec: { taints } }) as ApiNode;

const ds = (over: Record<string, unknown> = {}, image = 'busybox:1'): ApiDaemonSet => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 2 },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }], ...over } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
  },
}) as ApiDaemonSet;

let seq = 0;
/** A daemon pod of `d` on `nodeName`, ready unless told otherwise. */
const pod = (d: ApiDaemonSet, nodeName: string, o: { ready?: boolean; phase?: string; hash?: string; created?: string } = {}): ApiPod => {
  const p = podForNode(d, nodeName, o.hash ?? templateHash(d));
  return {
    ...p, metadata: { ...p.metadata, name: `agent-${++seq}`, uid: `pod-${seq}`, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as ApiPod;
};
const names = (pods: ApiPod[]) => pods.map((p) => p.spec?.nodeName).sort();

describe('shouldRunOn', () => {
  it.each([
    ['a plain node', node('n'), ds(), true],
    ['a node missing a nodeSelector label', node('n', { disk: 'hdd' }), ds({ nodeSelector: { disk: 'ssd' } }), false],
    ['a node with the label', node('n', { disk: 'ssd' }), ds({ nodeSelector: { disk: 'ssd' } }), true],
    ['an untolerated NoSchedule taint', node('n', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]), ds(), false],
    ['a tolerated taint', node('n', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]), ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }), true],
    ['a PreferNoSchedule taint', node('n', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), ds(), true],
    ['a cordoned node (daemon pods tolerate it)', node('n', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), ds(), true],
    ['a not-ready node (daemon pods tolerate it)', node('n', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), ds(), true],
  ])('%s', (_name, n, d, want) => expect(shouldRunOn(d, n)).toBe(want));
});

describe('planDaemonSet', () => {
  const nodes = [node('a'), node('b'), node('c', { role: 'edge' })];

  it('creates one pod per eligible node, bound to it, with the daemon tolerations and the revision labels', () => {
    const d = ds();
    const plan = planDaemonSet(d, nodes, [pod(d, 'a')], true, 0);
    expect(plan.create).toEqual(['b', 'c']);
    const p = podForNode(d, 'b', templateHash(d));
    expect(p.spec?.nodeName).toBe('b');
    expect(p.metadata.labels).toMatchObject({ app: 'agent', [REVISION_HASH_LABEL]: templateHash(d), 'pod-template-generation': '2' });
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid', controller: true, blockOwnerDeletion: true }]);
    expect(p.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`)).toContain('node.kubernetes.io/unschedulable:NoSchedule');
    expect(plan.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2, observedGeneration: 2 });
  });

  it('deletes pods on nodes that no longer qualify, extras (keeping the oldest) and failed pods', () => {
    const d = ds({ nodeSelector: { role: 'edge' } });
    const stray = pod(d, 'a');
    const older = pod(d, 'c', { created: '2026-01-01T00:00:00Z' });
    const newer = pod(d, 'c', { created: '2026-01-02T00:00:00Z' });
    expect(planDaemonSet(d, nodes, [stray, older, newer], true, 0)).toMatchObject({
      create: [], delete: [newer, stray], status: { desiredNumberScheduled: 1, numberMisscheduled: 1, currentNumberScheduled: 1 },
    });
    const failed = pod(d, 'c', { phase: 'Failed' });
    expect(planDaemonSet(d, nodes, [failed], true, 0)).toMatchObject({ create: [], delete: [failed] });
    expect(planDaemonSet(d, nodes, [], true, 0).create).toEqual(['c']);
  });

  it('rolls a new template out at most maxUnavailable at a time, old unavailable pods first', () => {
    const d = ds({}, 'busybox:2');
    const old = ['a', 'b', 'c'].map((n) => pod(d, n, { hash: 'old' }));
    expect(names(planDaemonSet(d, nodes, old, true, 0).delete)).toEqual(['a']);
    // While one node has no pod (being replaced), nothing more goes.
    expect(planDaemonSet(d, nodes, old.slice(1), true, 0)).toMatchObject({ create: ['a'], delete: [] });
    // The new pod on a is not ready yet: still nothing more.
    expect(planDaemonSet(d, nodes, [pod(d, 'a', { ready: false }), ...old.slice(1)], true, 0).delete).toEqual([]);
    // Old pods that are not available anyway are replaced at once.
    const broken = [pod(d, 'a'), pod(d, 'b', { hash: 'old', ready: false }), pod(d, 'c', { hash: 'old', ready: false })];
    expect(names(planDaemonSet(d, nodes, broken, true, 0).delete)).toEqual(['b', 'c']);
    const done = planDaemonSet(d, nodes, ['a', 'b', 'c'].map((n) => pod(d, n)), true, 0);
    expect(done).toMatchObject({ create: [], delete: [], status: { updatedNumberScheduled: 3, numberAvailable: 3, numberUnavailable: 0 } });
  });

  it('OnDelete leaves old pods alone; unsatisfied expectations and a deleting DaemonSet only report status', () => {
    const d = { ...ds({}, 'busybox:2'), spec: { ...ds({}, 'busybox:2').spec, updateStrategy: { type: 'OnDelete' } } } as ApiDaemonSet;
    const old = ['a', 'b', 'c'].map((n) => pod(d, n, { hash: 'old' }));
    expect(planDaemonSet(d, nodes, old, true, 0)).toMatchObject({ create: [], delete: [], status: { updatedNumberScheduled: 0 } });
    expect(planDaemonSet(ds(), nodes, [], false, 0)).toMatchObject({ create: [], delete: [], status: { desiredNumberScheduled: 3 } });
    const deleting = { ...ds(), metadata: { ...ds().metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } } as ApiDaemonSet;
    expect(planDaemonSet(deleting, nodes, [], true, 0).create).toEqual([]);
  });
});
