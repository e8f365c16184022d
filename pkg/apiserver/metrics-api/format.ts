// How metrics.k8s.io writes its values (metrics-server): CPU as a decimal quantity of nanocores
// (resource.NewScaledQuantity(n, Nano)), memory as a binary quantity of bytes (NewQuantity(b,
// BinarySI)), both in their canonical form; the window as a Go time.Duration string.

const decimalSuffixes = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'];
const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Canonical quantity of `nanocores` (integer): the largest 10^3k suffix that keeps it whole ('250m', '1234n', '2'). */
export const cpuQuantity = (nanocores: number): string => {
  let n = Math.round(Math.max(0, nanocores));
  if (n === 0) return '0';
  let i = 0;
  while (n % 1000 === 0 && i < decimalSuffixes.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n}${decimalSuffixes[i]}`;
};

/** Canonical BinarySI quantity of `bytes`: a power-of-1024 suffix when it divides exactly ('2748180Ki'), else plain. */
export const memoryQuantity = (bytes: number): string => {
  let n = Math.round(Math.max(0, bytes));
  if (n < 1024) return String(n);
  let i = 0;
  while (n % 1024 === 0 && i < binarySuffixes.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n}${binarySuffixes[i]}`;
};

const trimFraction = (s: string): string => s.replace(/\.?0+$/, '');

/** Go's time.Duration.String for a whole number of milliseconds: '500ms', '15.001s', '1m30s', '2h0m0s'. */
export const goDuration = (ms: number): string => {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = trimFraction(((total % 60_000) / 1000).toFixed(3)) || '0';
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
};

/** metav1.Time: RFC 3339 to the second. */
export const metaTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
