// The ServiceAccount controller.
export { newServiceAccountController, reconcileServiceAccounts, defaultServiceAccounts, controllerName as serviceAccountControllerName, type ServiceAccountControllerDeps } from './controller';
