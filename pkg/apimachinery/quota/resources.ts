// ResourceList arithmetic for quota (k8s apiserver pkg/quota/v1/resources.go): Add, Mask,
// LessThanOrEqual, Equals, growth and the API conversions. A list maps resource names to exact quantities.
import { addQuantity, cmpQuantity, formatQuantity, parseExactQuantity, subQuantity, type Quantity } from './quantity';

export type ResourceList = Record<string, Quantity>;
/** A ResourceList as the API carries it (`{ pods: '2', 'requests.cpu': '500m' }`). */
export type ApiResourceList = Record<string, string | number>;

export const fromApi = (list: ApiResourceList | undefined): ResourceList =>
  Object.fromEntries(Object.entries(list ?? {}).map(([k, v]) => [k, parseExactQuantity(v)]));

/** Canonical quantities with the keys sorted, as Go's encoder writes a map. */
export const toApi = (list: ResourceList): Record<string, string> =>
  Object.fromEntries(Object.keys(list).sort().map((k) => [k, formatQuantity(list[k])]));

export const resourceNames = (list: ResourceList | ApiResourceList | undefined): string[] => Object.keys(list ?? {});

/** a + b key by key; keys of either side are kept (quota.Add). */
export const addLists = (a: ResourceList, b: ResourceList): ResourceList => {
  const out: ResourceList = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? addQuantity(out[k], v) : v;
  return out;
};

/** What `a` has more of than `b`, key by key, without the zeros (SubtractWithNonNegativeResult, then RemoveZeros). */
export const growth = (a: ResourceList, b: ResourceList): ResourceList => {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) {
    const d = k in b ? subQuantity(v, b[k]) : v;
    if (d.nano > 0n) out[k] = d;
  }
  return out;
};

/** Only the entries named in `names` (quota.Mask). */
export const mask = (list: ResourceList, names: readonly string[]): ResourceList =>
  Object.fromEntries(Object.entries(list).filter(([k]) => names.includes(k)));

/** Whether every entry of `a` that `b` names is at most b's; else the names over it (quota.LessThanOrEqual). */
export const lessThanOrEqual = (a: ResourceList, b: ResourceList): { allowed: boolean; exceeded: string[] } => {
  const exceeded = Object.keys(a).filter((k) => k in b && cmpQuantity(a[k], b[k]) > 0);
  return { allowed: exceeded.length === 0, exceeded };
};

/** Same names with equal values, whatever their formats (quota.Equals). */
export const equalLists = (a: ResourceList, b: ResourceList): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => k in b && cmpQuantity(a[k], b[k]) === 0);

export const isZeroList = (list: ResourceList): boolean => Object.values(list).every((q) => q.nano === 0n);

export const negativeNames = (list: ResourceList): string[] => Object.keys(list).filter((k) => list[k].nano < 0n).sort();

/** `name=value` sorted by name, comma-joined: how quota admission prints lists in its errors. */
export const prettyPrint = (list: ResourceList): string =>
  Object.keys(list).sort().map((k) => `${k}=${formatQuantity(list[k])}`).join(',');
