import { milliValue, parseQuantity, quantityValue } from './quantity';
import { isBadRequestError } from './test-helpers';

describe('parseQuantity', () => {
  test.each([
    { q: '100m', want: 0.1, milli: 100, value: 1 },
    { q: '1', want: 1, milli: 1000, value: 1 },
    { q: '0.5', want: 0.5, milli: 500, value: 1 },
    { q: '.5', want: 0.5, milli: 500, value: 1 },
    { q: '2.5', want: 2.5, milli: 2500, value: 3 },
    { q: '64Mi', want: 67108864, milli: 67108864000, value: 67108864 },
    { q: '1Ki', want: 1024, milli: 1024000, value: 1024 },
    { q: '1Gi', want: 1073741824, milli: 1073741824000, value: 1073741824 },
    { q: '1G', want: 1e9, milli: 1e12, value: 1e9 },
    { q: '128k', want: 128000, milli: 128000000, value: 128000 },
    { q: '1e3', want: 1000, milli: 1000000, value: 1000 },
    { q: '1E3', want: 1000, milli: 1000000, value: 1000 },
    { q: '1E', want: 1e18, milli: 1e21, value: 1e18 },
    { q: '250u', want: 0.00025, milli: 1, value: 1 },
    { q: '-1', want: -1, milli: -1000, value: -1 },
    { q: 3, want: 3, milli: 3000, value: 3 },
    { q: 0.25, want: 0.25, milli: 250, value: 1 },
  ])('$q', ({ q, want, milli, value }) => {
    expect(parseQuantity(q)).toBeCloseTo(want, 12);
    expect(milliValue(q)).toBe(milli);
    expect(quantityValue(q)).toBe(value);
  });

  test.each(['', 'abc', '1X', '1 Mi', '1.2.3', 'Mi', '1Mii', '1e'])('rejects %p', (q) => {
    expect(isBadRequestError(() => parseQuantity(q))).toBe(true);
  });
});
