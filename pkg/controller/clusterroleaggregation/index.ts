// The ClusterRole aggregation controller.
export {
  newClusterRoleAggregationController, reconcileClusterRoleAggregation, planAggregation, aggregatedRules,
  controllerName as clusterRoleAggregationControllerName, type ClusterRoleAggregationDeps,
} from './controller';
