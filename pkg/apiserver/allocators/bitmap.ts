// A bitmap over a range of `size` items (k8s pkg/registry/core/service/allocator's
// AllocationBitmap): bit i set means item i is allocated. Random picks prefer the upper band,
// as upstream's static subrange does, so that the low offsets stay free for requests by value
// (10.96.0.1 for `kubernetes`, 10.96.0.10 for cluster DNS). Pure: persistence is in range-store.ts.

/** Upstream's static band: min(max(lowMin, size/step), highMax) items at the bottom of the range. */
export const staticBand = (size: number, step: number, lowMin: number, highMax: number): number =>
  Math.min(Math.max(lowMin, Math.floor(size / step)), highMax);

export type RandomInt = (n: number) => number;
export const mathRandomInt: RandomInt = (n) => Math.floor(Math.random() * n);

export class AllocationBitmap {
  private readonly bits: Uint8Array;
  /** The static band, never wider than the range (a /29 has 6 addresses, its band formula says 16). */
  readonly band: number;

  constructor(readonly size: number, band: number, data?: Uint8Array) {
    this.band = Math.min(band, size);
    this.bits = new Uint8Array(Math.ceil(size / 8));
    if (data) this.bits.set(data.subarray(0, this.bits.length));
  }

  has(i: number): boolean { return (this.bits[i >> 3] & (1 << (i & 7))) !== 0; }

  /** Marks `i`; false when it was already allocated. */
  allocate(i: number): boolean {
    if (i < 0 || i >= this.size || this.has(i)) return false;
    this.bits[i >> 3] |= 1 << (i & 7);
    return true;
  }

  release(i: number): void {
    if (i >= 0 && i < this.size) this.bits[i >> 3] &= ~(1 << (i & 7));
  }

  /** A random free item, from the upper band first, then the static band; undefined when full. */
  allocateNext(random: RandomInt = mathRandomInt): number | undefined {
    const pick = this.randomFree(this.band, this.size, random) ?? this.randomFree(0, this.band, random);
    if (pick !== undefined) this.allocate(pick);
    return pick;
  }

  /** Starts at a random offset in [from, to) and scans forward, wrapping, for a free item. */
  private randomFree(from: number, to: number, random: RandomInt): number | undefined {
    const n = to - from;
    if (n <= 0) return undefined;
    const start = random(n);
    for (let k = 0; k < n; k++) {
      const i = from + ((start + k) % n);
      if (!this.has(i)) return i;
    }
    return undefined;
  }

  used(): number {
    let count = 0;
    for (const b of this.bits) for (let v = b; v; v &= v - 1) count++;
    return count;
  }

  /** Every allocated item, ascending. */
  allocated(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.has(i)) out.push(i);
    return out;
  }

  toBase64(): string { return Buffer.from(this.bits).toString('base64'); }

  static fromBase64(size: number, band: number, data: string | undefined): AllocationBitmap {
    return new AllocationBitmap(size, band, data ? new Uint8Array(Buffer.from(data, 'base64')) : undefined);
  }
}
