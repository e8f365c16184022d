// The client package's public API. Test fakes (fake-clock.ts, fake-informer.ts,
// fake-apiserver.ts) are imported by path and are deliberately not exported here.
export * from './types';
export { loadKubeconfig, kubeconfigPath, kubeconfigPaths, mergeKubeconfigs, KubeconfigError, type LoadKubeconfigOptions, type MergedKubeconfig } from './kubeconfig';
export { createClient, collectionPath, objectPath, patchContentTypes, siblingResource, type ClientOptions, type RestClient } from './rest';
export { TokenBucket, rateLimits, unlimited, type RateLimiter, type RateLimiterOptions } from './rate-limiter';
export { DeletedFinalStateUnknown, objectFromDeleted, type DeletedObject } from './tombstone';
export { createInformer, type InformerOptions, type ResourceInformer } from './informer';
export { metaNamespaceKey, splitMetaNamespaceKey, namespaceIndex, labelIndex, labelIndexFunc, nodeNameIndex, podNodeNameIndexFunc, type IndexFunc } from './cache';
export { createWorkQueue, type WorkQueueOptions, type RateLimitedWorkQueue } from './workqueue';
export { createEventRecorder, type EventRecorderOptions, type FlushableEventRecorder } from './events';
export { EventCorrelator, combinedMessagePrefix, type EventCorrelatorOptions, type CorrelationResult, type EventPatch } from './event-correlator';
export {
  defineController, controllerRef, newControllerRef, terminal, TerminalError,
  type Controller, type ControllerOptions, type ControllerMetrics, type OwnedResource, type Reconciler, type ReconcileResult, type ReconcileOutcome,
} from './controller';
export { ControllerExpectations, UIDTrackingControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations';
export { realClock, sleep, Backoff, type Clock, type TimerHandle } from './clock';
export {
  createLeaderElector, runLeaderElected, microTime, defaultIdentity, defaultLeaderElectionTimings, LeaderElectionLostError, LeaderHealthzAdaptor,
  type LeaderElectionMetrics, type LeaderElector, type LeaderElectorOptions, type LeaderElectionConfig, type LeaderElectionTimings, type LeaderElectionOutcome,
} from './leader-election';
