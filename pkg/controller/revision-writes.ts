// Applies a template history plan (daemonset/history.ts) through the API, for the DaemonSet and
// StatefulSet controllers: the current template's revision is recorded (or renumbered) before
// pods are managed; unused revisions are deleted afterwards (StatefulSet after its status).
import type { ApiControllerRevision } from '../../api/apps/v1';
import { isAlreadyExists, isNotFound } from '../apimachinery/errors';
import type { ResourceClient } from '../client';
import type { HistoryPlan } from './daemonset/history';

export type RevisionClient = Pick<ResourceClient<ApiControllerRevision>, 'create' | 'update' | 'delete'>;

export const recordRevision = async (client: RevisionClient, ns: string, plan: HistoryPlan): Promise<void> => {
  if (plan.create) {
    try {
      await client.create(ns, plan.create);
    } catch (err) {
      // Created by a sync whose write the cache has not seen yet: the next sync finds it.
      if (!isAlreadyExists(err)) throw err;
    }
  }
  if (plan.renumber) await client.update(ns, plan.renumber);
};

export const deleteUnusedRevisions = async (client: RevisionClient, ns: string, plan: HistoryPlan): Promise<void> => {
  for (const r of plan.delete) {
    try {
      await client.delete(ns, r.metadata.name ?? '', { preconditions: { uid: r.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
};
