// client-go's leader-election metrics (tools/leaderelection/metrics.go) on a prom-client
// registry. Imported by path by the components that elect, not from index.ts, so that berthctl
// (which loads the client package) never loads prom-client.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LeaderElectionMetrics } from './leader-election';

export const newLeaderElectionMetrics = (registry: Registry): LeaderElectionMetrics => {
  const status = new Gauge({
    name: 'leader_election_master_status',
    help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
    labelNames: ['name'],
    registers: [registry],
  });
  const slowpath = new Counter({
    name: 'leader_election_slowpath_total',
    help: "Total number of slow path exercised in renewing leader leases. 'name' is the string used to identify the lease. Please make sure to group by name.",
    labelNames: ['name'],
    registers: [registry],
  });
  return {
    leaderOn: (name) => status.set({ name }, 1),
    leaderOff: (name) => status.set({ name }, 0),
    slowpathExercised: (name) => slowpath.inc({ name }),
  };
};
