// Public API of pkg/apiserver.
export { startApiserver, runApiserver, bootstrapNamespaces, type ApiserverOptions, type RunningApiserver } from './server';
export { ensurePki, writeKubeconfig, pkiPaths, hostName, type PkiPaths, type PkiOptions, type KubeconfigOptions } from './pki';
