// Public API of the disruption controller.
export { newDisruptionController, controllerName, type DisruptionControllerDeps } from './controller';
export { computeStatus, podsOf, reconcileDisruption, deletionTimeoutMs } from './reconcile';
