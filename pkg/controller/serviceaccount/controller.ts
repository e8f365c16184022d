// The ServiceAccount controller (k8s pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active namespace has a `default` ServiceAccount. Namespaces are the queue's keys: a
// namespace added or updated, or a `default` ServiceAccount deleted, makes its namespace look
// again, and a missing one is created. Terminating namespaces get none (creates would be refused).
import type { ApiObject } from '../../../api/meta/v1';
import {
  objectFromDeleted, createWorkQueue, defineController, realClock,
  type Clock, type Controller, type ControllerMetrics, type Informer, type ResourceClient,
} from '../../client';
import { StatusError, isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import type { Logger } from '../../log';

export const controllerName = 'serviceaccount';

/** The accounts every namespace gets (upstream's DefaultServiceAccountsControllerOptions). */
export const defaultServiceAccounts: readonly string[] = ['default'];

export interface ServiceAccountControllerDeps {
  namespaces: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get'>;
  serviceAccounts: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get'>;
  saClient: Pick<ResourceClient<ApiObject>, 'create'>;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

const isForbidden = (e: unknown): boolean => e instanceof StatusError && e.status.reason === 'Forbidden';

const isActive = (ns: ApiObject): boolean =>
  !ns.metadata.deletionTimestamp && (ns as { status?: { phase?: string } }).status?.phase !== 'Terminating';

/** Creates the missing default accounts of `namespace`; an AlreadyExists or a namespace gone meanwhile is not an error. */
export const reconcileServiceAccounts = async (namespace: string, d: Pick<ServiceAccountControllerDeps, 'namespaces' | 'serviceAccounts' | 'saClient' | 'log'>): Promise<void> => {
  const ns = d.namespaces.get(namespace);
  if (!ns || !isActive(ns)) return;
  for (const name of defaultServiceAccounts) {
    if (d.serviceAccounts.get(`${namespace}/${name}`)) continue;
    try {
      await d.saClient.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      d.log.v(2, 'created service account', { namespace, name });
    } catch (err) {
      // The cache was behind, or the namespace started terminating after we read it.
      if (isAlreadyExists(err) || isNotFound(err) || isForbidden(err)) continue;
      throw err;
    }
  }
};

export const newServiceAccountController = (d: ServiceAccountControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const queue = createWorkQueue({ clock });
  d.serviceAccounts.addEventHandler({
    delete: (deleted) => {
      const { namespace, name } = objectFromDeleted(deleted).metadata;
      if (namespace && name && defaultServiceAccounts.includes(name)) queue.add(namespace);
    },
  });
  return defineController({
    name: controllerName, informer: d.namespaces,
    // Listed so the workers wait for the account cache to sync; no account has a controller ref.
    owns: [{ informer: d.serviceAccounts, ownerKind: '' }],
    workers: d.workers ?? 2, log: d.log, clock, metrics: d.metrics, queue,
    reconcile: (key) => reconcileServiceAccounts(key, { ...d, log }),
  });
};
