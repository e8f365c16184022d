import { cpuQuantity, goDuration, memoryQuantity, metaTime } from './format';

describe('metrics.k8s.io value formats', () => {
  it.each([
    [0, '0'], [329087452, '329087452n'], [250_000_000, '250m'], [1_500_000_000, '1500m'], [2e9, '2'], [12_000, '12u'], [-5, '0'], [0.4, '0'],
  ])('CPU %d nanocores is %s', (n, want) => expect(cpuQuantity(n)).toBe(want));

  it.each([
    [0, '0'], [1000, '1000'], [1024, '1Ki'], [1500, '1500'], [2748180 * 1024, '2748180Ki'], [64 * 1024 * 1024, '64Mi'], [3 * 2 ** 30, '3Gi'],
  ])('memory %d bytes is %s', (b, want) => expect(memoryQuantity(b)).toBe(want));

  it.each([
    [0, '0s'], [500, '500ms'], [1000, '1s'], [1030, '1.03s'], [15001, '15.001s'], [90_000, '1m30s'], [7_200_000, '2h0m0s'],
  ])('window %d ms is %s', (ms, want) => expect(goDuration(ms)).toBe(want));

  it('writes times to the second', () => expect(metaTime(1_700_000_000_999)).toBe('2023-11-14T22:13:20Z'));
});
