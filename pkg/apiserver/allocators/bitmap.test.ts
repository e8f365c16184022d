import { AllocationBitmap, staticBand } from './bitmap';
import { ipRange, portRange } from './ranges';

/** Always the first candidate: makes the scan order visible. */
const first = () => 0;

describe('AllocationBitmap', () => {
  test('allocate by value once; release frees it', () => {
    const b = new AllocationBitmap(20, 4);
    expect(b.allocate(7)).toBe(true);
    expect(b.allocate(7)).toBe(false);
    expect(b.allocate(20)).toBe(false);
    expect(b.allocate(-1)).toBe(false);
    b.release(7);
    expect(b.has(7)).toBe(false);
    expect(b.allocate(7)).toBe(true);
  });

  test('random picks take the upper band first, then the static band, then report full', () => {
    const b = new AllocationBitmap(6, 2);
    const picks = Array.from({ length: 6 }, () => b.allocateNext(first));
    expect(picks).toEqual([2, 3, 4, 5, 0, 1]);
    expect(b.allocateNext(first)).toBeUndefined();
    expect(b.used()).toBe(6);
  });

  test('a static band wider than a small range never yields an item past its end', () => {
    const b = new AllocationBitmap(6, 16);
    const picks = Array.from({ length: 7 }, () => b.allocateNext(first));
    expect(picks).toEqual([0, 1, 2, 3, 4, 5, undefined]);
  });

  test('a random start wraps around to a free item', () => {
    const b = new AllocationBitmap(10, 0);
    for (const i of [7, 8, 9]) b.allocate(i);
    expect(b.allocateNext(() => 7)).toBe(0);
  });

  test('survives a base64 round trip', () => {
    const b = new AllocationBitmap(65534, 256);
    for (const i of [0, 9, 300, 65533]) b.allocate(i);
    const back = AllocationBitmap.fromBase64(65534, 256, b.toBase64());
    expect(back.allocated()).toEqual([0, 9, 300, 65533]);
    expect(AllocationBitmap.fromBase64(10, 0, undefined).used()).toBe(0);
  });

  test('static bands as upstream', () => {
    expect(staticBand(65534, 16, 16, 256)).toBe(256);
    expect(staticBand(254, 16, 16, 256)).toBe(16);
    expect(staticBand(2768, 32, 16, 128)).toBe(86);
  });
});

describe('ranges', () => {
  test('a service CIDR hands out neither its network nor its broadcast address', () => {
    const r = ipRange('10.96.0.0/16');
    expect(r.size).toBe(65534);
    expect(r.valueAt(0)).toBe('10.96.0.1');
    expect(r.valueAt(r.size - 1)).toBe('10.96.255.254');
    expect(r.offsetOf('10.96.0.10')).toBe(9);
    expect(r.offsetOf('10.96.0.0')).toBeUndefined();
    expect(r.offsetOf('10.96.255.255')).toBeUndefined();
    expect(r.offsetOf('10.97.0.1')).toBeUndefined();
    expect(r.offsetOf('not-an-ip')).toBeUndefined();
    expect(ipRange('10.96.3.4/24').spec).toBe('10.96.3.0/24');
    expect(() => ipRange('10.96.0.0/31')).toThrow('invalid service CIDR');
  });
  test('the node port range', () => {
    const r = portRange('30000-32767');
    expect(r.size).toBe(2768);
    expect(r.valueAt(0)).toBe('30000');
    expect(r.offsetOf('32767')).toBe(2767);
    expect(r.offsetOf('29999')).toBeUndefined();
    expect(() => portRange('3-1')).toThrow('invalid node port range');
  });
});
