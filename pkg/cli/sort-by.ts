// --sort-by (kubectl get/sorter.go): a JSONPath per object; rows without the field first;
// numbers numerically, strings that are both quantities by value, other strings bytewise.
import { findResults, JsonPathError, parseJsonPath } from './jsonpath';
import { relaxedJsonPath } from './custom-columns';
import { UsageError } from './types';

type Quantity = (s: string) => number;

const less = (a: unknown, b: unknown, quantity: Quantity): boolean => {
  if (a === null || a === undefined) return b !== null && b !== undefined;
  if (b === null || b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') {
    try {
      return quantity(a) < quantity(b);
    } catch (err) {
      if (err instanceof Error) return a < b; // not quantities: plain string order
      throw err;
    }
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!less(a[i], b[i], quantity)) return false;
    return true;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return !a && b;
  throw new UsageError(`unsortable type: ${typeof a}`);
};

/** Sorts `items` by the field `expr` reads from `objectOf(item)`; stable, like kubectl's result for ties. */
export const sortByField = <T>(items: T[], expr: string, objectOf: (item: T) => unknown, quantity: Quantity): T[] => {
  let template;
  try {
    template = parseJsonPath(relaxedJsonPath(expr));
  } catch (err) {
    if (err instanceof JsonPathError) throw new UsageError(`sorting error: ${err.message}`);
    throw err;
  }
  const keyed = items.map((item) => {
    const results = findResults(template, objectOf(item));
    return { item, found: results.length > 0 && results[0].length > 0, key: results[0]?.[0] };
  });
  if (items.length > 0 && !keyed.some((k) => k.found)) {
    throw new UsageError(`couldn't find any field with path "${relaxedJsonPath(expr)}" in the list of objects`);
  }
  return keyed.map((k, i) => ({ ...k, i })).sort((x, y) => {
    if (!x.found) return y.found ? -1 : x.i - y.i;
    if (!y.found) return 1;
    if (less(x.key, y.key, quantity)) return -1;
    if (less(y.key, x.key, quantity)) return 1;
    return x.i - y.i;
  }).map((k) => k.item);
};
