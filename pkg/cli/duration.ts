// Go's time.ParseDuration for the flags kubectl takes as durations (--since, --timeout).
import { UsageError } from './types';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1h30m`, `10s`, `500ms` → milliseconds; a bare `0` is zero. */
export const parseDuration = (text: string, flag: string): number => {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new UsageError(`invalid argument "${text}" for "${flag}" flag: time: invalid duration "${text}"`);
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (text.length === 0) throw new UsageError(`invalid argument "" for "${flag}" flag: time: invalid duration ""`);
  return total;
};
