// Progress for long operations (apply of many files, rollout status, drain, wait): one
// status line redrawn in place on stderr when it is a terminal, nothing when piped, so
// scripts see exactly kubectl's output.
import type { Out } from './types';

export interface Progress {
  update(text: string): void;
  /** Clears the status line (call before printing a result line, and at the end). */
  clear(): void;
}

const NOOP: Progress = { update: () => undefined, clear: () => undefined };

export const createProgress = (err: Out, isTTY: boolean | undefined): Progress => {
  if (!isTTY) return NOOP;
  let shown = false;
  return {
    update(text) {
      const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
      err.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    clear() {
      if (shown) err.write('\r\x1b[K');
      shown = false;
    },
  };
};
