// Resource quantities (apimachinery pkg/api/resource): `100m`, `64Mi`, `1G`, `1e3`, `0.5`.
// We keep them as JS numbers: enough precision for scheduling and cgroup limits.
import { badRequest } from './errors';

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const formatError = () =>
  badRequest("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");

const quantityRe = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([eE][+-]?[0-9]+|[a-zA-Z]*)$/;

/** The value of a quantity as a float ('100m' → 0.1, '64Mi' → 67108864). Throws badRequest. */
export const parseQuantity = (q: string | number): number => {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw formatError();
    return q;
  }
  const m = quantityRe.exec(q.trim());
  if (!m) throw formatError();
  const [, num, suffix] = m;
  const base = Number(num);
  if (/^[eE][+-]?[0-9]+$/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  const mult = binary[suffix] ?? decimal[suffix];
  if (mult === undefined) throw formatError();
  return base * mult;
};

/** Rounds away float noise (0.1 * 1000 = 100.00000000000001) before taking the ceiling. */
const ceilClean = (v: number): number => {
  const r = Math.round(v);
  return Math.abs(v - r) <= Math.abs(v) * 1e-14 ? r : Math.ceil(v);
};

/** The quantity in thousandths, rounded up as upstream's MilliValue does ('100m' → 100, '1' → 1000). */
export const milliValue = (q: string | number): number => ceilClean(parseQuantity(q) * 1000);

/** The quantity rounded up to an integer, as upstream's Value ('100m' → 1, '64Mi' → 67108864). */
export const quantityValue = (q: string | number): number => ceilClean(parseQuantity(q));
