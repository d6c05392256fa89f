// Seeded pseudo-random numbers for the population: tiny, fast and reproducible per (seed, index).

/** A mixing function (splitmix32's finaliser) that turns any 32-bit integer into a well-spread one. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The 32-bit state for one subscriber of one population. Hashing (seed, index) instead of advancing one
 * stream is what lets any slice of a population be generated on its own (campaign shards, workers).
 */
export function subscriberSeed(seed: number, index: number): number {
  const hi = Math.floor(index / 0x1_0000_0000);
  return splitmix32(splitmix32((seed ^ splitmix32(hi)) >>> 0) ^ (index >>> 0));
}

/** A weighted choice table, built once at module load so sampling is one loop over a small array. */
export interface Weighted<T> {
  readonly values: readonly T[];
  readonly cumulative: readonly number[];
}

/** Builds a weighted table from `[value, weight]` pairs; weights need not sum to 1. */
export function weighted<T>(pairs: readonly (readonly [T, number])[]): Weighted<T> {
  const total = pairs.reduce((sum, [, w]) => sum + w, 0);
  let running = 0;
  return {
    values: pairs.map(([v]) => v),
    cumulative: pairs.map(([, w]) => {
      running += w / total;
      return running;
    }),
  };
}

/** mulberry32 with sampling helpers; one instance per generated subscriber. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One value from a weighted table. */
  pick<T>(table: Weighted<T>): T {
    const u = this.next();
    const { cumulative, values } = table;
    for (let i = 0; i < cumulative.length - 1; i++) {
      if (u < (cumulative[i] as number)) return values[i] as T;
    }
    return values[values.length - 1] as T;
  }

  /** One element of a list, uniformly. */
  element<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  /** Standard normal draw (Box-Muller; the second value is dropped to keep the stream simple). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Geometric count (failures before a success) with the given mean: the care-contact shape. */
  geometric(mean: number): number {
    const p = 1 / (1 + mean);
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
}
