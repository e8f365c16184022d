// An in-memory API for the deployment controller's unit tests (client-go's fake clientset with a
// seeded lister): deployments and ReplicaSets in maps, resourceVersion checks on update, informers
// that see every write at once, and a stand-in ReplicaSet controller that makes `ready` of each
// ReplicaSet's replicas available. Test-only: not exported from index.ts.
import type { ApiPod } from '../../../api/core/v1';
import { alreadyExists, conflict, notFound } from '../../apimachinery/errors';
import { applyJsonPatch } from '../../apimachinery';
import type { EventRecorder } from '../../client';
import { FakeClock } from '../../client/fake-clock';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import type { DeploymentDeps } from './reconcile';
import type { ApiDeployment, ApiReplicaSet } from './util';

const gr = (resource: string) => ({ group: 'apps', resource });

export class FakeCluster {
  readonly deployments = new FakeInformer<ApiDeployment>();
  readonly replicaSets = new FakeInformer<ApiReplicaSet>();
  readonly pods = new FakeInformer<ApiPod>();
  readonly clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  readonly events: string[] = [];
  /** Updates refused for a stale resourceVersion. */
  conflicts = 0;
  private rv = 1;
  private uid = 1;

  private stamp<T extends ApiDeployment | ApiReplicaSet>(o: T, generationBump: boolean): T {
    const meta = { ...o.metadata, resourceVersion: String(this.rv++), uid: o.metadata.uid ?? `uid-${this.uid++}` };
    meta.creationTimestamp ??= new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    meta.generation = (o.metadata.generation ?? 0) + (generationBump ? 1 : 0);
    return { ...structuredClone(o), metadata: meta };
  }

  private checkRV(stored: { metadata: { resourceVersion?: string } } | undefined, o: ApiDeployment | ApiReplicaSet, kind: string) {
    if (!stored) throw notFound(gr(kind), o.metadata.name ?? '');
    if (o.metadata.resourceVersion && o.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      this.conflicts++;
      throw conflict(gr(kind), o.metadata.name ?? '', 'the object has been modified');
    }
  }

  addDeployment(d: ApiDeployment): ApiDeployment {
    const stored = this.stamp(d, true);
    this.deployments.apply(stored);
    return stored;
  }

  /** A spec change as `kubectl apply` makes it: generation bumped, status kept. */
  updateDeploymentSpec(name: string, change: (d: ApiDeployment) => void): void {
    const d = structuredClone(this.deployments.get(`default/${name}`)) as ApiDeployment;
    change(d);
    this.deployments.apply(this.stamp(d, true));
  }

  addReplicaSet(rs: ApiReplicaSet): ApiReplicaSet {
    const stored = this.stamp(rs, true);
    this.replicaSets.apply(stored);
    return stored;
  }

  readonly rsClient: DeploymentDeps['rsClient'] = {
    create: async (_ns, rs) => {
      if (this.replicaSets.get(`default/${rs.metadata.name}`)) throw alreadyExists(gr('replicasets'), rs.metadata.name ?? '');
      return this.addReplicaSet({ ...rs, metadata: { ...rs.metadata, namespace: 'default' } });
    },
    update: async (_ns, rs) => {
      const stored = this.replicaSets.get(`default/${rs.metadata.name}`);
      this.checkRV(stored, rs, 'replicasets');
      const next = this.stamp({ ...rs, status: stored?.status }, JSON.stringify(rs.spec) !== JSON.stringify(stored?.spec));
      this.replicaSets.apply(next);
      return next;
    },
    get: async (_ns, name) => {
      const rs = this.replicaSets.get(`default/${name}`);
      if (!rs) throw notFound(gr('replicasets'), name);
      return rs;
    },
    delete: async (_ns, name) => {
      const rs = this.replicaSets.get(`default/${name}`);
      if (!rs) throw notFound(gr('replicasets'), name);
      this.replicaSets.remove(rs);
      return {};
    },
    patch: async (_ns, name, _type, patch) => {
      const rs = this.replicaSets.get(`default/${name}`);
      if (!rs) throw notFound(gr('replicasets'), name);
      const next = this.stamp(applyJsonPatch(structuredClone(rs), patch as never) as ApiReplicaSet, false);
      this.replicaSets.apply(next);
      return next;
    },
  };

  readonly dClient: DeploymentDeps['dClient'] = {
    get: async (_ns, name) => {
      const d = this.deployments.get(`default/${name}`);
      if (!d) throw notFound(gr('deployments'), name);
      return d;
    },
    update: async (_ns, d) => {
      const stored = this.deployments.get(`default/${d.metadata.name}`);
      this.checkRV(stored, d, 'deployments');
      const next = this.stamp({ ...d, status: stored?.status }, false);
      this.deployments.apply(next);
      return next;
    },
    updateStatus: async (_ns, d) => {
      const stored = this.deployments.get(`default/${d.metadata.name}`);
      this.checkRV(stored, d, 'deployments');
      const next = this.stamp({ ...(stored as ApiDeployment), status: d.status }, false);
      this.deployments.apply(next);
      return next;
    },
  };

  readonly recorder: EventRecorder = { event: (_o, type, reason, message) => { this.events.push(`${type} ${reason} ${message}`); } };

  deps(): DeploymentDeps {
    return {
      deployments: this.deployments, replicaSets: this.replicaSets, pods: this.pods,
      rsClient: this.rsClient, dClient: this.dClient, recorder: this.recorder, log: silentLogger(), clock: this.clock,
    };
  }

  /** The ReplicaSet controller's part: pods exist for spec.replicas, `ready(rs)` of them available. */
  settleReplicaSets(ready: (rs: ApiReplicaSet) => number = (rs) => rs.spec?.replicas ?? 1): void {
    for (const rs of this.replicaSets.list()) {
      const replicas = rs.spec?.replicas ?? 1;
      const available = Math.min(replicas, ready(rs));
      const status = { replicas, readyReplicas: available, availableReplicas: available, observedGeneration: rs.metadata.generation };
      if (JSON.stringify(status) !== JSON.stringify(rs.status)) this.replicaSets.apply({ ...structuredClone(rs), status });
    }
  }

  rs(): ApiReplicaSet[] { return this.replicaSets.list().sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')); }
  deployment(name: string): ApiDeployment { return this.deployments.get(`default/${name}`) as ApiDeployment; }
}

export const deployment = (name: string, o: { replicas?: number; image?: string; strategy?: NonNullable<ApiDeployment['spec']>['strategy']; minReadySeconds?: number;
  revisionHistoryLimit?: number; progressDeadlineSeconds?: number; paused?: boolean } = {}): ApiDeployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: {
    replicas: o.replicas ?? 1, selector: { matchLabels: { app: name } },
    strategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    revisionHistoryLimit: o.revisionHistoryLimit ?? 10, progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
    minReadySeconds: o.minReadySeconds, paused: o.paused,
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: o.image ?? 'busybox', resources: {} }] } },
  },
});
