import { exceedsDepth, maxNestingDepth } from './depth';

const nested = (depth: number, array: boolean): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
};

describe('exceedsDepth', () => {
  it.each([
    ['a scalar', 'x', false],
    ['null', null, false],
    ['an empty object', {}, false],
    ['objects at the limit', nested(maxNestingDepth, false), false],
    ['arrays at the limit', nested(maxNestingDepth, true), false],
    ['objects past the limit', nested(maxNestingDepth + 1, false), true],
    ['arrays past the limit', nested(maxNestingDepth + 1, true), true],
    ['a deep branch beside shallow ones', { a: 1, b: [2, 3], c: nested(maxNestingDepth, false) }, true],
    ['100,000 levels without overflowing', nested(100_000, true), true],
  ])('%s', (_name, value, want) => {
    expect(exceedsDepth(value)).toBe(want);
  });

  it('takes a custom limit', () => {
    expect(exceedsDepth({ a: { b: {} } }, 2)).toBe(true);
    expect(exceedsDepth({ a: { b: 1 } }, 2)).toBe(false);
  });
});
