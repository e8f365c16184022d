// The controller-manager and its controllers.
export { runControllerManager, type ControllerManagerOptions } from './manager';
export { newReplicaSetController, controllerName as replicaSetControllerName, type ReplicaSetControllerDeps } from './replicaset/controller';
export { planReplicaSet, reconcileReplicaSet, type ReplicaSetPlan, type ReplicaSetDeps } from './replicaset/reconcile';
export { slowStartBatch } from './slow-start-batch';
export { newControllerMetrics, type ManagerMetrics } from './metrics';
export { newGarbageCollector, gcResources, clientAccess, type GarbageCollector, type GarbageCollectorDeps, type Monitor, type ObjectAccess } from './garbagecollector';
export { newNamespaceController, clientNamespaceAccess, namespacedResources, type NamespaceControllerDeps, type NamespaceAccess } from './namespace';
export { newDeploymentController, deploymentControllerName, type DeploymentControllerDeps } from './deployment';
export { newServiceAccountController, reconcileServiceAccounts, defaultServiceAccounts, serviceAccountControllerName, type ServiceAccountControllerDeps } from './serviceaccount';
export { newEndpointsController, type EndpointsControllerDeps } from './endpoints';
export { newEndpointSliceController, type EndpointSliceControllerDeps } from './endpointslice';
export { newJobController, type JobControllerDeps } from './job';
export { newCronJobController, type CronJobControllerDeps } from './cronjob';
export { newRootCACertPublisher, reconcileRootCACert, rootCACertPublisherName, rootCAFromConfig, type RootCACertPublisherDeps } from './rootcacert';
export { newClusterRoleAggregationController, reconcileClusterRoleAggregation, clusterRoleAggregationControllerName, type ClusterRoleAggregationDeps } from './clusterroleaggregation';
export { newStatefulSetController, type StatefulSetControllerDeps } from './statefulset';
export { newResourceQuotaController, reconcileResourceQuota, resourceQuotaControllerName, type ResourceQuotaControllerDeps } from './resourcequota';
