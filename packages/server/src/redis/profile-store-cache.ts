// The hot in-process cache in front of Redis: least recently used out first, each entry stamped with when it was read.
import type { Profile } from '@arbiter/engine';
import { LRUCache } from 'lru-cache';
import { type CompactProfileCodec, compactProfileCodec } from './profile-store-codec.js';

/** A cached copy: the profile (or its compact encoding), when it was read or written, and under which generation. */
export interface CachedProfile {
  readonly value: Profile | string;
  /** Clock time the Redis read started (or the write was made): its age counts from before the answer. */
  readonly at: number;
  /** The cache generation it was filled under; a newer generation means it must be re-read before served fresh. */
  readonly generation: number;
  readonly bytes: number;
}

export interface ProfileCacheOptions {
  max: number;
  maxBytes?: number;
  /** Keep compact msgpack records instead of objects (about a third of the memory; a decode per hit). */
  compact?: boolean;
}

// Bytes per entry: the Map slot, the entry object and its key. A decoded profile (decodeProfile) measured 0.9x its
// msgpack size on the heap when its short strings are shared, up to 2.4x when none are; 1.25x errs a little high
// for typical profiles (bench/profiles.ts prints the estimate beside the measurement).
const ENTRY_OVERHEAD = 128;
const OBJECT_PER_WIRE_BYTE = 1.25;

/**
 * Least recently used out first (lru-cache: a hit moves the entry to the front), bounded by count and optionally by
 * bytes. It was a Map kept in recency order (a hit re-inserted the key at the end, the first key was the oldest);
 * once full, finding that first key walked over every slot the earlier deletions left at the front of the Map:
 * about 20 µs a get-or-set at 100,000 entries instead of 1 to 3.
 */
export class ProfileCache {
  private readonly entries: LRUCache<string, CachedProfile>;
  private readonly codec: CompactProfileCodec | undefined;
  private totalBytes = 0;
  evictions = 0;

  constructor(private readonly options: ProfileCacheOptions) {
    this.codec = options.compact ? compactProfileCodec() : undefined;
    this.entries = new LRUCache<string, CachedProfile>({
      max: Math.max(1, Math.floor(options.max)),
      ...(options.maxBytes === undefined
        ? {}
        : { maxSize: Math.max(1, Math.floor(options.maxBytes)), sizeCalculation: (entry) => entry.bytes }),
      dispose: (entry, _key, reason) => {
        this.totalBytes -= entry.bytes;
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  /** The entry, marked most recently used. */
  get(subscriberId: string): CachedProfile | undefined {
    return this.entries.get(subscriberId);
  }

  profileOf(entry: CachedProfile): Profile {
    return this.codec ? this.codec.decode(entry.value as string) : (entry.value as Profile);
  }

  /** Caches a profile; `wireBytes` is its msgpack size, the basis of the byte estimate for objects. */
  set(profile: Profile, wireBytes: number, at: number, generation: number): void {
    const value = this.codec ? this.codec.encode(profile) : profile;
    const bytes =
      ENTRY_OVERHEAD + (this.codec ? this.codec.sizeOf(value as string) : Math.ceil(wireBytes * OBJECT_PER_WIRE_BYTE));
    this.delete(profile.subscriberId);
    const { maxBytes } = this.options;
    if (maxBytes !== undefined && bytes > maxBytes) return;
    this.totalBytes += bytes;
    this.entries.set(profile.subscriberId, { value, at, generation, bytes });
  }

  delete(subscriberId: string): boolean {
    return this.entries.delete(subscriberId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }
}
