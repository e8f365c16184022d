// Public API of the EndpointSlice controller.
export { newEndpointSliceController, reconcileEndpointSlices, serviceNameIndex, serviceNameIndexFunc, controllerName, type EndpointSliceControllerDeps } from './controller';
export { planEndpointSlices, sliceLabels, ownedBy, serviceNameLabel, managedByLabel, controllerManagedBy, defaultMaxEndpointsPerSlice, type SlicePlan } from './reconciler';
export { desiredEndpointSets, podToEndpoint, portsKey, endpointKey, type EndpointSet } from './desired';
