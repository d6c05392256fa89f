// A Map that knows which key was set longest ago, in O(1): the bound that in-memory stores forget their oldest by.

/**
 * A Map whose `oldestKey()` is the key set (or set again) longest ago. The order is a queue of (key, stamp) beside
 * the Map, with lazy deletion: a key set again or deleted leaves its older place behind, skipped when it reaches the
 * front, and the queue is rewritten once it holds more stale places than live ones. Not the Map's own insertion
 * order with `keys().next()` or a `for...of` from the front: once a Map keeps losing its first keys, each of those
 * walks over every slot the deletions left there (tens of µs a call at 100,000 keys, bench/README.md).
 *
 * @example
 * const fired = new RecencyMap<string, number>();
 * fired.set('a', 1); fired.set('b', 2); fired.set('a', 3);
 * fired.oldestKey(); // 'b'
 */
export class RecencyMap<K, V> {
  readonly #values = new Map<K, V>();
  /** The stamp of each key's live queue place. */
  readonly #stamps = new Map<K, number>();
  #queueKeys: K[] = [];
  #queueStamps: number[] = [];
  #head = 0;
  #nextStamp = 0;

  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  has(key: K): boolean {
    return this.#values.has(key);
  }

  /** Sets the value and makes the key the newest. */
  set(key: K, value: V): void {
    const stamp = this.#nextStamp++;
    this.#values.set(key, value);
    this.#stamps.set(key, stamp);
    this.#queueKeys.push(key);
    this.#queueStamps.push(stamp);
    const live = Math.max(this.#values.size, 1_024);
    if (this.#queueKeys.length - this.#head > 2 * live || this.#head > live) this.#compact();
  }

  delete(key: K): boolean {
    this.#stamps.delete(key);
    return this.#values.delete(key);
  }

  /** The key set longest ago, or undefined when empty. */
  oldestKey(): K | undefined {
    while (this.#head < this.#queueKeys.length) {
      const key = this.#queueKeys[this.#head]!;
      if (this.#stamps.get(key) === this.#queueStamps[this.#head]) return key;
      this.#head++;
    }
    return undefined;
  }

  get size(): number {
    return this.#values.size;
  }

  /** Keys and values in the Map's insertion order (a key set again keeps its place): not the recency order. */
  entries(): IterableIterator<[K, V]> {
    return this.#values.entries();
  }

  /** Keeps only the live queue places, in order. */
  #compact(): void {
    const keys: K[] = [];
    const stamps: number[] = [];
    for (let i = this.#head; i < this.#queueKeys.length; i++) {
      const key = this.#queueKeys[i]!;
      if (this.#stamps.get(key) === this.#queueStamps[i]) {
        keys.push(key);
        stamps.push(this.#queueStamps[i]!);
      }
    }
    this.#queueKeys = keys;
    this.#queueStamps = stamps;
    this.#head = 0;
  }
}
