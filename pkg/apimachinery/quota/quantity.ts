// Exact resource quantities for quota accounting (apimachinery pkg/api/resource Quantity).
// pkg/apimachinery/quantity.ts keeps quantities as floats, which is enough to compare; quota
// writes sums back into status.used, so here a quantity is an exact count of nano-units plus
// the format it was written in, and prints as Quantity.String() does: `1500m`, `1Gi`, `1k`.
import { badRequest } from '../errors';

/** How a quantity prints: the format of its suffix when parsed (upstream Format). */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10^-9, rounded up past nano precision as upstream does. */
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binaryExponents: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixes = new Map(Object.entries(decimalExponents).map(([s, e]) => [e, s]));
const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const grammar = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eE][+-]?[0-9]+|[a-zA-Z]*)$/;
const formatError = () =>
  badRequest("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");

/** a / b rounded away from zero (both positive b). */
const divUp = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  if (a % b === 0n) return q;
  return a < 0n ? q - 1n : q + 1n;
};

const pow10 = (e: number): bigint => 10n ** BigInt(e);

/** Parses `1500m`, `64Mi`, `1e3`, `2` (or a JSON number). Throws badRequest as ParseQuantity fails. */
export const parseExactQuantity = (input: string | number): Quantity => {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const m = grammar.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw formatError();
  const [, sign, whole, fraction = '', suffix] = m;
  const mantissa = BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}` || '0');
  const scale = fraction.length;
  if (suffix in binaryExponents) {
    return { nano: divUp(mantissa * (1n << BigInt(binaryExponents[suffix])) * NANO, pow10(scale)), format: 'BinarySI' };
  }
  let exponent: number;
  let format: QuantityFormat = 'DecimalSI';
  if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
    exponent = Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else if (suffix in decimalExponents) {
    exponent = decimalExponents[suffix];
  } else {
    throw formatError();
  }
  const shift = exponent + 9 - scale;
  return { nano: shift >= 0 ? mantissa * pow10(shift) : divUp(mantissa, pow10(-shift)), format };
};

/** A whole number of units (resource.NewQuantity(n, DecimalSI)). */
export const quantityOf = (n: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity => ({ nano: BigInt(n) * NANO, format });

export const zeroQuantity: Quantity = { nano: 0n, format: 'DecimalSI' };

/** q + y, in q's format unless q is zero (Quantity.Add). */
export const addQuantity = (q: Quantity, y: Quantity): Quantity => ({ nano: q.nano + y.nano, format: q.nano === 0n ? y.format : q.format });

/** q - y, in q's format unless q is zero (Quantity.Sub). */
export const subQuantity = (q: Quantity, y: Quantity): Quantity => ({ nano: q.nano - y.nano, format: q.nano === 0n ? y.format : q.format });

export const cmpQuantity = (a: Quantity, b: Quantity): number => (a.nano === b.nano ? 0 : a.nano < b.nano ? -1 : 1);

const removeFactors = (v: bigint, base: bigint, max = Infinity): [bigint, number] => {
  let n = v;
  let times = 0;
  while (n !== 0n && n % base === 0n && times < max) {
    n /= base;
    times++;
  }
  return [n, times];
};

/**
 * The canonical text of `q` (Quantity.String / CanonicalizeBytes): decimal formats take the
 * largest power-of-1000 suffix that keeps the number whole; BinarySI takes the largest power of
 * 1024 that divides it, except below 1024 or for fractions, which print as DecimalSI.
 */
export const formatQuantity = (q: Quantity): string => {
  if (q.nano === 0n) return '0';
  let format = q.format;
  const abs = q.nano < 0n ? -q.nano : q.nano;
  if (format === 'BinarySI' && (abs < 1024n * NANO || q.nano % NANO !== 0n)) format = 'DecimalSI';
  if (format === 'BinarySI') {
    const [amount, times] = removeFactors(q.nano / NANO, 1024n, binarySuffixes.length - 1);
    return `${amount}${binarySuffixes[times]}`;
  }
  let [amount, exponent] = removeFactors(q.nano, 10n);
  exponent -= 9;
  const down = ((exponent % 3) + 3) % 3;
  amount *= pow10(down);
  exponent -= down;
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  if (exponent > 18) {
    amount *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${amount}${decimalSuffixes.get(exponent) ?? ''}`;
};

/** A quantity as the API writes it back: `canonicalQuantity('1000m')` is `'1'`. */
export const canonicalQuantity = (input: string | number): string => formatQuantity(parseExactQuantity(input));
