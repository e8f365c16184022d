// Service cluster IP and node port allocation: bitmaps in etcd, the store hook, repair, and the
// `kubernetes` Service.
import type { Logger } from '../../log';
import type { Store } from '../../storage';
import { newRangeAllocator } from './range-store';
import { defaultNodePortRange, defaultServiceCIDR, ipRange, portRange } from './ranges';
import type { Repairer } from './repair';
import type { ServiceAllocators } from './service-store';

export { AllocationBitmap } from './bitmap';
export { ipRange, portRange, defaultServiceCIDR, defaultNodePortRange, isIPv4 } from './ranges';
export { newRangeAllocator, rangeKey, AllocationError } from './range-store';
export { withServiceAllocation, type ServiceAllocators } from './service-store';
export { newRepairer, repairBitmap, leakPasses } from './repair';
export { ensureKubernetesService } from './kubernetes-service';

export interface ServiceAllocationOptions {
  serviceClusterIPRange?: string;
  serviceNodePortRange?: string;
}

/** upstream repairs every 3 minutes. */
export const repairIntervalMs = 3 * 60_000;

export const newServiceAllocators = (store: Store, o: ServiceAllocationOptions = {}): ServiceAllocators => ({
  ips: newRangeAllocator(store, 'serviceips', ipRange(o.serviceClusterIPRange ?? defaultServiceCIDR)),
  ports: newRangeAllocator(store, 'servicenodeports', portRange(o.serviceNodePortRange ?? defaultNodePortRange)),
});

/** Runs a repair pass now, then every `intervalMs` until stopped; a failed pass is logged and retried next time. */
export const startRepair = async (repairer: Repairer, log: Logger, intervalMs = repairIntervalMs): Promise<() => void> => {
  await repairer.pass();
  const timer = setInterval(() => {
    repairer.pass().catch((err: unknown) => log.error('service range repair failed', { error: err }));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
};
