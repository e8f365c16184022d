// The scheduler's public API: the component, and the pure cores the agent's admission reuses.
export { runScheduler, type SchedulerOptions } from './scheduler';
export { computePodRequests, containerRequests, type Resource } from './resource';
export { fits, type InsufficientResource } from './plugins/node-resources-fit';
export { NodeInfo, nodeAllocatable, podKey, type Allocatable } from './node-info';
export { toleratesTaint } from './plugins/tolerations';
export { FitError, fitErrorMessage, type Status, type Code } from './framework';
