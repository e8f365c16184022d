// Just enough of resource.Quantity for the agent: cpu in millicores, memory in bytes.
// (pkg/apimachinery will own the full Quantity type; this reads the same notation.)

const suffixes: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity (`100m` → 0.1, `64Mi` → 67108864, `1e3` → 1000); throws on bad input. */
export const parseQuantity = (q: string | number): number => {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got ${JSON.stringify(q)})`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * suffixes[m[3] ?? ''];
};

/** CPU in millicores, rounded up as upstream's MilliValue. */
export const cpuMilli = (q: string | number | undefined): number => (q === undefined ? 0 : Math.ceil(parseQuantity(q) * 1000 - 1e-9));

/** Memory (or any byte quantity) as an integer, rounded up. */
export const bytes = (q: string | number | undefined): number => (q === undefined ? 0 : Math.ceil(parseQuantity(q) - 1e-9));
