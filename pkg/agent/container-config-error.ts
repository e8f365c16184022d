// The error of a container whose config cannot be built, on its own so that the builders
// (container-config.ts, container-env.ts, security-context.ts) can share it without importing
// one another.

/** A container whose config cannot be built (reason CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}
