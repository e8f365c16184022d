export { newStatefulSetController, controllerName, type StatefulSetControllerDeps } from './controller';
export { planStatefulSet, newStatefulSetPod, claimsFor } from './plan';
