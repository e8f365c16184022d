// Public API of the node runtime (the CRI server). Other areas import only from here.
export * from './cri';
export type * from './cri-types';
export { runRuntime, cleanupAll, importImage, runtimeDefaults, type RuntimeOptions, type CleanupOptions } from './run';
export { CriError } from './errors';
export { ShimError, defaultShimPath } from './shim-client';
