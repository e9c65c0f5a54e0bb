/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32), so that the same
 * seed always gives the same demo database on every machine. Never Math.random.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** Standard normal (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Number of failures before the first success, success probability p. */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

/** A fixed discrete distribution over values, sampled by one uniform draw. */
export class Weighted<T> {
  readonly values: readonly T[];
  private readonly cum: Float64Array;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.values = entries.map((e) => e[0]);
    this.cum = new Float64Array(entries.length);
    let s = 0;
    entries.forEach((e, i) => {
      s += e[1];
      this.cum[i] = s;
    });
    for (let i = 0; i < this.cum.length; i++) this.cum[i]! /= s;
  }

  sample(rng: Prng): T {
    const u = rng.next();
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < cum[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}
