// Public API of the node runtime (the CRI server). Other areas import only from here.
export * from './cri';
export type * from './cri-types';
export { runRuntime, cleanupAll, importImage, runtimeDefaults, type RuntimeOptions, type CleanupOptions } from './run';
export { CriError } from './errors';
export { ShimError, defaultShimPath } from './shim-client';
export type * from './exec-cri-types';
export { executors, isExecutor, type Executor } from './executor';
export { channel as streamChannel, execProtocols, portForwardProtocols } from './streaming-protocol';
