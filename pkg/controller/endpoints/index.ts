// Public API of the Endpoints controller and the pod helpers the EndpointSlice controller shares.
export { newEndpointsController, reconcileEndpoints, desiredEndpoints, controllerName, type EndpointsControllerDeps } from './controller';
export { computeSubsets } from './subsets';
export * from './pods';
export { enqueueServicesOnPodChange } from './service-pods';
