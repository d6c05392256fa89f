// A Map with a bound on its keys, for metric labels: past the bound, new keys share one `_other` entry.
import { OTHER_LABEL } from './endpoint-stats.js';

export class BoundedMap<V> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly max: number,
    private readonly create: () => V,
  ) {}

  /** The entry for a key, created on first use (or `_other`'s once the map is full). */
  get(key: string): V {
    let value = this.map.get(key);
    if (value !== undefined) return value;
    if (this.map.size >= this.max && key !== OTHER_LABEL) return this.get(OTHER_LABEL);
    value = this.create();
    this.map.set(key, value);
    return value;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.map.entries();
  }
}
