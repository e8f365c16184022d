export { newDaemonSetController, controllerName } from './controller';
export { planDaemonSet, shouldRunOn, daemonTolerations } from './plan';
