// The garbage collector: ownerReferences-driven deletion (Background, Foreground, Orphan).
export { newGarbageCollector, gcResources, controllerName, type GarbageCollector, type GarbageCollectorDeps, type Monitor } from './controller';
export { clientAccess, resourceOfReference, type ObjectAccess } from './access';
export { attemptToDelete, attemptToOrphan, classifyReferences, AbsentOwnerCache, type AttemptDeps, type ClassifiedReferences } from './attempt';
export { Graph, nodeOf, finalizerForeground, finalizerOrphan, type GraphNode, type ObjectIdentity } from './graph';
