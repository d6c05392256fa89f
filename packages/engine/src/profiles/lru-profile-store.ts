// The hot in-memory profile store: least recently used profiles leave first, bounded by count or by bytes.
import { LRUCache } from 'lru-cache';
import type { Profile } from '../population/index.js';
import type { ProfileCodec } from './profile-codec.js';
import { estimateProfileBytes } from './profile-size.js';
import type { ProfileStore } from './profile-store.js';

export interface LruProfileStoreOptions {
  /** Most profiles kept. */
  max?: number;
  /** Most bytes kept, by each profile's estimated size (`sizeOf`). Give `max`, `maxBytes` or both. */
  maxBytes?: number;
  /** Size of one profile for `maxBytes` (default `estimateProfileBytes`; with a codec, the codec's `sizeOf`). */
  sizeOf?: (profile: Profile) => number;
  /** Keep profiles encoded: less memory, one decode per `get` (and every `get` returns a fresh copy). */
  codec?: ProfileCodec;
  /** Told when a profile leaves to make room (not on `delete` or when it is replaced). */
  onEvict?: (subscriberId: string) => void;
}

/** What the store holds and has evicted so far. */
export interface LruProfileStoreStats {
  size: number;
  /** Estimated bytes held (0 unless bounded by bytes). */
  bytes: number;
  evictions: number;
}

type Stored = Profile | object | string;

/**
 * A bounded profile store on lru-cache: the hot profiles of one process.
 *
 * @example
 * const hot = new LruProfileStore({ max: 1_000_000 });
 * for (const p of generatePopulation({ seed: 42, count: 1_000_000 })) hot.put(p);
 * createEngine({ config, profiles: hot });
 */
export class LruProfileStore implements ProfileStore {
  private readonly cache: LRUCache<string, Stored>;
  private readonly codec: ProfileCodec | undefined;
  private evicted = 0;

  constructor(options: LruProfileStoreOptions) {
    const { max, maxBytes, codec, onEvict } = options;
    if (max === undefined && maxBytes === undefined) throw new RangeError('LruProfileStore needs max or maxBytes');
    for (const [name, value] of [
      ['max', max],
      ['maxBytes', maxBytes],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
      }
    }
    this.codec = codec;
    const disposeAfter = (_value: Stored, key: string, reason: LRUCache.DisposeReason) => {
      if (reason !== 'evict') return;
      this.evicted++;
      onEvict?.(key);
    };
    if (maxBytes === undefined) {
      this.cache = new LRUCache<string, Stored>({ max: max as number, disposeAfter });
      return;
    }
    const sizeOf = options.sizeOf ?? estimateProfileBytes;
    const sizeCalculation = codec
      ? (stored: Stored) => Math.max(1, codec.sizeOf(stored as never))
      : (stored: Stored) => Math.max(1, sizeOf(stored as Profile));
    this.cache = new LRUCache<string, Stored>({
      ...(max !== undefined && { max }),
      maxSize: maxBytes,
      sizeCalculation,
      disposeAfter,
    });
  }

  get(subscriberId: string): Profile | undefined {
    const stored = this.cache.get(subscriberId);
    if (stored === undefined || !this.codec) return stored as Profile | undefined;
    return this.codec.decode(stored as never);
  }

  /** The profile without marking it recently used (for inspection and scans). */
  peek(subscriberId: string): Profile | undefined {
    const stored = this.cache.peek(subscriberId);
    if (stored === undefined || !this.codec) return stored as Profile | undefined;
    return this.codec.decode(stored as never);
  }

  has(subscriberId: string): boolean {
    return this.cache.has(subscriberId);
  }

  put(profile: Profile): void {
    this.cache.set(profile.subscriberId, this.codec ? this.codec.encode(profile) : profile);
  }

  delete(subscriberId: string): void {
    this.cache.delete(subscriberId);
  }

  /** Every hot profile, most recently used first; reading them does not change their order. */
  async *scan(): AsyncIterableIterator<Profile> {
    // A snapshot of the keys: the cache reorders its list on every get, which would upset a live iterator.
    for (const key of [...this.cache.keys()]) {
      const profile = this.peek(key);
      if (profile !== undefined) yield profile;
    }
  }

  clear(): void {
    this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }

  stats(): LruProfileStoreStats {
    return { size: this.cache.size, bytes: this.cache.calculatedSize ?? 0, evictions: this.evicted };
  }
}
