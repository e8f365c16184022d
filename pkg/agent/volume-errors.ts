// Errors of volume setup: a pod whose volumes cannot be set up does not start its containers
// (kubelet: FailedMount events, containers waiting in ContainerCreating).

/** A volume that cannot be set up now (missing configMap, hostPath type mismatch, …); retried on the next sync. */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  readonly reason = 'FailedMount';
}

/** The errno code of a Node system error (not `instanceof Error`: under jest, core errors come from another realm). */
export const errnoCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
