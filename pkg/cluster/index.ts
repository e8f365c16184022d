export { berthCommand } from './commands';
export { type ClusterConfig, type Ports, defaultConfig, portsWithOffset, paths, readConfig } from './config';
