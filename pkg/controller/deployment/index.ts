// The deployment controller.
export { newDeploymentController, controllerName as deploymentControllerName, type DeploymentControllerDeps } from './controller';
export { reconcileDeployment, type DeploymentDeps } from './reconcile';
export { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './hash';
