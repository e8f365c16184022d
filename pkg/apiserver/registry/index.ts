// The strategy of every served resource, by plural.
import { podStrategy } from './pods';
import { replicaSetStrategy } from './replicasets';
import { nodeStrategy } from './nodes';
import { namespaceStrategy } from './namespaces';
import { eventStrategy } from './events';
import { leaseStrategy } from './leases';
import type { ResourceStrategy } from './strategy';

export const strategies: Record<string, ResourceStrategy> = {
  pods: podStrategy,
  replicasets: replicaSetStrategy,
  nodes: nodeStrategy,
  namespaces: namespaceStrategy,
  events: eventStrategy,
  leases: leaseStrategy,
};

export type { ResourceStrategy, Strategy } from './strategy';
