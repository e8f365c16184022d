// The resource quota controller.
export {
  newResourceQuotaController, listFromMonitors, clientListObjects, controllerName as resourceQuotaControllerName,
  type ResourceQuotaControllerDeps, type QuotaMonitor,
} from './controller';
export { reconcileResourceQuota, measureUsage, resyncPeriodMs as resourceQuotaResyncPeriodMs, type ListObjects } from './reconcile';
