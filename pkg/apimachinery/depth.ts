// Nesting limits for decoded bodies. The patch, validation and managedFields code recurses per
// level, so a body nested thousands of levels deep would overflow the stack (a 500) instead of
// being refused; real objects nest a few dozen levels. Upstream's decoder stops at 10,000
// ("exceeded max depth"); a JavaScript stack holds far fewer recursive frames than Go's.

/** The deepest nesting of objects and arrays a request body (or stored object) may have. */
export const maxNestingDepth = 1000;

/**
 * Whether `v` nests objects and arrays more than `limit` levels deep; iterative, so it is
 * itself safe at any depth, and it stops at the first path past the limit.
 */
export const exceedsDepth = (v: unknown, limit = maxNestingDepth): boolean => {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: v, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value, depth } = top;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
};
