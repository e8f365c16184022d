// The namespace controller: empties terminating namespaces and finalizes them.
export { newNamespaceController, reconcileNamespace, namespacedResources, controllerName, CONTENT_REMAINING_RECHECK_MS, type NamespaceControllerDeps } from './controller';
export { clientNamespaceAccess, deleteAllContent, finalizerKubernetes, type NamespaceAccess } from './deleter';
