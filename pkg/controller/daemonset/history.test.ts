import type { ApiControllerRevision, ApiDaemonSet } from '../../../api/apps/v1';
import type { ApiPod } from '../../../api/core/v1';
import { planHistory, revisionData } from './history';
import { podForNode, templateHash } from './plan';

const ds = (image: string, limit?: number): ApiDaemonSet => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'ns', uid: 'ds-uid', generation: 1 },
  spec: {
    selector: { matchLabels: { app: 'agent' } }, ...(limit === undefined ? {} : { revisionHistoryLimit: limit }),
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } },
  },
}) as ApiDaemonSet;

/** The revision the controller would have written for `image`, numbered `revision`. */
const revisionOf = (image: string, revision: number): ApiControllerRevision => {
  const created = planHistory(ds(image), [], []).create as ApiControllerRevision;
  return { ...created, metadata: { ...created.metadata, uid: `cr-${image}` }, revision };
};
const podOf = (image: string): ApiPod => {
  const d = ds(image);
  const p = podForNode(d, 'n', templateHash(d));
  return { ...p, metadata: { ...p.metadata, name: `p-${image}`, uid: `p-${image}` } };
};

describe('planHistory', () => {
  it('records the template as revision 1, named <daemonset>-<hash>, as a patch that replaces the template', () => {
    const d = ds('busybox:1');
    const plan = planHistory(d, [], []);
    expect(plan.create).toMatchObject({
      kind: 'ControllerRevision', revision: 1,
      metadata: { name: `agent-${templateHash(d)}`, namespace: 'ns', labels: { app: 'agent', 'controller-revision-hash': templateHash(d) },
        ownerReferences: [expect.objectContaining({ kind: 'DaemonSet', uid: 'ds-uid', controller: true })] },
    });
    expect(plan.create?.data).toEqual(revisionData(d));
    expect((revisionData(d).spec as { template: Record<string, unknown> }).template.$patch).toBe('replace');
    expect(planHistory(d, [revisionOf('busybox:1', 1)], [])).toEqual({ delete: [] });
  });

  it('numbers a new template after the newest, and gives an old template that comes back a new number', () => {
    const history = [revisionOf('busybox:1', 1), revisionOf('busybox:2', 2)];
    expect(planHistory(ds('busybox:3'), history, []).create?.revision).toBe(3);
    expect(planHistory(ds('busybox:1'), history, [])).toMatchObject({ renumber: { metadata: { name: history[0].metadata.name }, revision: 3 } });
  });

  it('keeps revisionHistoryLimit of the revisions no pod runs, deleting the oldest', () => {
    const history = [1, 2, 3, 4].map((n) => revisionOf(`busybox:${n}`, n));
    const plan = planHistory(ds('busybox:4', 1), history, [podOf('busybox:2')]);
    // 4 is current, 2 still runs a pod: of 1 and 3, keep the newest one.
    expect(plan.delete.map((r) => r.revision)).toEqual([1]);
    expect(planHistory(ds('busybox:4', 5), history, []).delete).toEqual([]);
  });
});
