// Pod resource requests as the scheduler sees them (k8s component-helpers resource.PodRequests).
// Pure: the agent's admission reuses computePodRequests and fits().
import type { Container, Pod } from '../../api/core/v1';
import { milliValue, quantityValue } from '../apimachinery';

/** CPU in millicores, memory in bytes. */
export interface Resource { milliCPU: number; memory: number }

export const emptyResource = (): Resource => ({ milliCPU: 0, memory: 0 });

/** Upstream schedutil.DefaultMilliCPURequest / DefaultMemoryRequest, used only for scoring. */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

const add = (a: Resource, b: Resource): Resource => ({ milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory });
const max = (a: Resource, b: Resource): Resource =>
  ({ milliCPU: Math.max(a.milliCPU, b.milliCPU), memory: Math.max(a.memory, b.memory) });

/**
 * One container's requests. Requests default to limits when only limits are set (upstream does
 * this in API defaulting; doing it here too keeps the scheduler right whatever the apiserver did).
 * With `nonZero`, a missing (not an explicit zero) cpu/memory request counts as the upstream
 * defaults, so that best-effort pods still spread when scoring.
 */
export const containerRequests = (c: Container, nonZero = false): Resource => {
  const requests = c.resources?.requests ?? {};
  const limits = c.resources?.limits ?? {};
  const cpu = requests.cpu ?? limits.cpu;
  const memory = requests.memory ?? limits.memory;
  return {
    milliCPU: cpu !== undefined ? milliValue(cpu) : nonZero ? defaultMilliCPURequest : 0,
    memory: memory !== undefined ? quantityValue(memory) : nonZero ? defaultMemoryRequest : 0,
  };
};

/**
 * The pod's effective request: the sum of its containers, but at least what any init container
 * needs while it runs. Restartable init containers (sidecars, restartPolicy Always) keep running,
 * so they add to the sum and to every later init container (upstream PodRequests). Pod overhead
 * is ignored (no RuntimeClass yet).
 */
export const computePodRequests = (pod: Pod, opts: { nonZero?: boolean } = {}): Resource => {
  const nonZero = opts.nonZero ?? false;
  let reqs = emptyResource();
  for (const c of pod.spec?.containers ?? []) reqs = add(reqs, containerRequests(c, nonZero));
  let sidecars = emptyResource();
  let initMax = emptyResource();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = containerRequests(c, nonZero);
    let effective: Resource;
    if (c.restartPolicy === 'Always') {
      reqs = add(reqs, own);
      sidecars = add(sidecars, own);
      effective = sidecars;
    } else {
      effective = add(own, sidecars);
    }
    initMax = max(initMax, effective);
  }
  return max(reqs, initMax);
};
