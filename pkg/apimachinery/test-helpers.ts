// Test-only helpers (not exported from index.ts).
import { StatusError } from './errors';

/** Runs `fn` and reports whether it threw a StatusError with the given code (400 by default). */
export const isBadRequestError = (fn: () => unknown, code = 400): boolean => {
  try {
    fn();
  } catch (err) {
    return err instanceof StatusError && err.status.code === code;
  }
  return false;
};
