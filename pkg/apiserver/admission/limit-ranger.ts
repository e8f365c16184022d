// The LimitRanger admission plugin (k8s plugin/pkg/admission/limitranger), for pods on create:
// the namespace's LimitRanges (read from the watch cache) default each container's requests
// and limits (type Container: `defaultRequest`, `default`), recorded in the
// kubernetes.io/limit-ranger annotation; then each container, and the pod as a whole (type
// Pod), must keep within min, max and maxLimitRequestRatio, or the pod is refused with 403 and
// upstream's messages. Not done: PersistentVolumeClaim limits, pod updates.
import type { Container, LimitRange, LimitRangeItem } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { forbidden } from '../../apimachinery/errors';
import { parseQuantity } from '../../apimachinery/quantity';
import { resourcePrefix, type Store } from '../../storage';

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

type Quantities = Record<string, string>;
interface PodShape { spec?: { containers?: Container[]; initContainers?: Container[] } }

const q = (v: string | number): number => parseQuantity(v);
const str = (v: string | number | undefined): string => String(v ?? '');

/** Fills the container's unset requests and limits from the Container items; returns what was set. */
const defaultContainer = (c: Container, items: LimitRangeItem[]): { requests: string[]; limits: string[] } => {
  const requests: Quantities = { ...(c.resources?.requests as Quantities | undefined) };
  const limits: Quantities = { ...(c.resources?.limits as Quantities | undefined) };
  const set = { requests: [] as string[], limits: [] as string[] };
  for (const item of items) {
    for (const [r, v] of Object.entries(item.defaultRequest ?? {})) if (requests[r] === undefined) { requests[r] = str(v); set.requests.push(r); }
    for (const [r, v] of Object.entries(item.default ?? {})) if (limits[r] === undefined) { limits[r] = str(v); set.limits.push(r); }
  }
  if (set.requests.length || set.limits.length) {
    c.resources = { ...c.resources, ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
  }
  return set;
};

/** minConstraint, maxConstraint and limitRequestRatioConstraint of one resource. */
const check = (kind: 'Container' | 'Pod', item: LimitRangeItem, requests: Quantities, limits: Quantities): string[] => {
  const errs: string[] = [];
  for (const [r, min] of Object.entries(item.min ?? {})) {
    if (requests[r] === undefined) errs.push(`minimum ${r} usage per ${kind} is ${str(min)}.  No request is specified`);
    else if (q(requests[r]) < q(min)) errs.push(`minimum ${r} usage per ${kind} is ${str(min)}, but request is ${requests[r]}`);
    if (limits[r] !== undefined && q(limits[r]) < q(min)) errs.push(`minimum ${r} usage per ${kind} is ${str(min)}, but limit is ${limits[r]}`);
  }
  for (const [r, max] of Object.entries(item.max ?? {})) {
    if (limits[r] === undefined) errs.push(`maximum ${r} usage per ${kind} is ${str(max)}.  No limit is specified`);
    else if (q(limits[r]) > q(max)) errs.push(`maximum ${r} usage per ${kind} is ${str(max)}, but limit is ${limits[r]}`);
    if (requests[r] !== undefined && q(requests[r]) > q(max)) errs.push(`maximum ${r} usage per ${kind} is ${str(max)}, but request is ${requests[r]}`);
  }
  for (const [r, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    if (requests[r] === undefined || limits[r] === undefined || q(requests[r]) === 0) {
      errs.push(`${r} max limit to request ratio per ${kind} is ${str(ratio)}, but no ${requests[r] === undefined ? 'request' : 'limit'} is specified or request is 0`);
      continue;
    }
    const actual = q(limits[r]) / q(requests[r]);
    if (actual > q(ratio)) errs.push(`${r} max limit to request ratio per ${kind} is ${str(ratio)}, but provided ratio is ${actual.toFixed(6)}`);
  }
  return errs;
};

const binarySuffixes: Array<[string, number]> = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];

/** A summed quantity as a Quantity prints it, roughly: 1200m, 3, 256Mi. */
const formatQuantity = (v: number): string => {
  if (!Number.isInteger(v)) return `${Math.round(v * 1000)}m`;
  const binary = binarySuffixes.find(([, n]) => v >= n && v % n === 0);
  return binary ? `${v / binary[1]}${binary[0]}` : String(v);
};

const sum = (containers: Container[], field: 'requests' | 'limits'): Quantities => {
  const out: Record<string, number> = {};
  for (const c of containers) for (const [r, v] of Object.entries((c.resources?.[field] ?? {}) as Quantities)) out[r] = (out[r] ?? 0) + q(v);
  return Object.fromEntries(Object.entries(out).map(([r, v]) => [r, formatQuantity(v)]));
};

/** Applies `ranges` to a pod: defaults it in place (with the annotation) and returns the violations. */
export const applyLimitRanges = (pod: ApiObject, ranges: LimitRange[]): string[] => {
  const items = ranges.flatMap((lr) => lr.spec?.limits ?? []);
  const containerItems = items.filter((i) => i.type === 'Container');
  const spec = (pod as PodShape).spec ?? {};
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const notes: string[] = [];
  for (const c of containers) {
    const set = defaultContainer(c, containerItems);
    if (set.requests.length) notes.push(`${set.requests.join(', ')} request for ${spec.initContainers?.includes(c) ? 'init container' : 'container'} ${c.name}`);
    if (set.limits.length) notes.push(`${set.limits.join(', ')} limit for ${spec.initContainers?.includes(c) ? 'init container' : 'container'} ${c.name}`);
  }
  if (notes.length) pod.metadata.annotations = { ...pod.metadata.annotations, [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}` };
  const errs: string[] = [];
  for (const item of containerItems) {
    for (const c of containers) errs.push(...check('Container', item, (c.resources?.requests ?? {}) as Quantities, (c.resources?.limits ?? {}) as Quantities));
  }
  const regular = spec.containers ?? [];
  for (const item of items.filter((i) => i.type === 'Pod')) errs.push(...check('Pod', item, sum(regular, 'requests'), sum(regular, 'limits')));
  return errs;
};

/** The LimitRanger for a pod create: defaults applied to `obj`, or Forbidden. Other kinds pass. */
export const admitLimitRanges = async (store: Pick<Store, 'list'>, info: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string, obj: ApiObject): Promise<ApiObject> => {
  if (info.group !== '' || info.plural !== 'pods') return obj;
  const ranges = (await store.list(resourcePrefix('limitranges', namespace), { resourceVersion: '0' })).items as LimitRange[];
  if (ranges.length === 0) return obj;
  const pod = structuredClone(obj);
  const errs = applyLimitRanges(pod, ranges);
  if (errs.length > 0) throw forbidden(`pods "${obj.metadata.name ?? ''}" is forbidden: ${errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`}`);
  return pod;
};
