// Public API of the Job controller.
export { newJobController, controllerName, type JobControllerDeps } from './controller';
export { planJob, isJobFinished, type JobPlan, type JobEvent } from './plan';
export { reconcileJob, podForJob, type JobDeps } from './reconcile';
export { remainingBackoffMs, formatIndexes, podIndex, finishTime, completionIndexAnnotation } from './pods';
