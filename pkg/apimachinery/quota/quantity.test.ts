import { isBadRequestError } from '../test-helpers';
import { addQuantity, canonicalQuantity, cmpQuantity, formatQuantity, parseExactQuantity, quantityOf, subQuantity, zeroQuantity } from './quantity';

describe('canonicalQuantity (Quantity.String)', () => {
  test.each([
    ['0', '0'], ['0Mi', '0'], ['1', '1'], ['1000', '1k'], ['1500', '1500'], ['1000m', '1'], ['1500m', '1500m'], ['0.5', '500m'],
    ['.5', '500m'], ['100m', '100m'], ['250u', '250u'], ['1n', '1n'], ['0.1n', '1n'], ['1G', '1G'], ['1000M', '1G'], ['128974848', '128974848'],
    ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['1023Ki', '1023Ki'], ['512', '512'], ['1.5Gi', '1536Mi'], ['0.5Ki', '512'],
    ['1e3', '1e3'], ['1E3', '1e3'], ['1500e-3', '1500e-3'], ['12e0', '12'], ['1E', '1E'], ['2E', '2E'], ['-1', '-1'], ['-1500m', '-1500m'],
    [3, '3'], [0.25, '250m'],
  ])('%p prints as %p', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  test.each(['', 'abc', '1X', '1 Mi', '1.2.3', 'Mi', '1Mii', '1e', '.'])('rejects %p', (q) => {
    expect(isBadRequestError(() => parseExactQuantity(q))).toBe(true);
  });
});

describe('arithmetic', () => {
  const q = parseExactQuantity;
  test.each([
    { a: '500m', b: '500m', want: '1' },
    { a: '1', b: '500m', want: '1500m' },
    { a: '1Gi', b: '512Mi', want: '1536Mi' },
    // The sum keeps the first operand's format, unless that one is zero.
    { a: '1Gi', b: '500M', want: '1573741824' },
    { a: '500M', b: '1Gi', want: '1573741824' },
    { a: '0', b: '1Gi', want: '1Gi' },
    { a: '512Mi', b: '512Mi', want: '1Gi' },
    { a: '1k', b: '1', want: '1001' },
  ])('$a + $b = $want', ({ a, b, want }) => {
    expect(formatQuantity(addQuantity(q(a), q(b)))).toBe(want);
  });

  it('subtracts, compares and makes whole numbers', () => {
    expect(formatQuantity(subQuantity(q('2'), q('500m')))).toBe('1500m');
    expect(cmpQuantity(q('1'), q('1000m'))).toBe(0);
    expect(cmpQuantity(q('1Gi'), q('1G'))).toBe(1);
    expect(cmpQuantity(q('100m'), q('1'))).toBe(-1);
    expect(formatQuantity(quantityOf(3))).toBe('3');
    expect(formatQuantity(zeroQuantity)).toBe('0');
    expect(q('1.5Gi').format).toBe('BinarySI');
    expect(q('1e3').format).toBe('DecimalExponent');
    expect(q('7').format).toBe('DecimalSI');
  });
});
