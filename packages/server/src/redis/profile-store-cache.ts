// The hot in-process cache in front of Redis: least recently used out first, each entry stamped with when it was read.
import type { Profile } from '@arbiter/engine';
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
 * A Map kept in recency order (a hit re-inserts the key at the end), bounded by count and optionally by bytes.
 * Map-based on purpose: a few lines, no dependency, and Map's insertion order is the LRU list.
 */
export class ProfileCache {
  private readonly entries = new Map<string, CachedProfile>();
  private readonly codec: CompactProfileCodec | undefined;
  private totalBytes = 0;
  evictions = 0;

  constructor(private readonly options: ProfileCacheOptions) {
    this.codec = options.compact ? compactProfileCodec() : undefined;
  }

  /** The entry, marked most recently used. */
  get(subscriberId: string): CachedProfile | undefined {
    const entry = this.entries.get(subscriberId);
    if (entry === undefined) return undefined;
    this.entries.delete(subscriberId);
    this.entries.set(subscriberId, entry);
    return entry;
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
    const { max, maxBytes } = this.options;
    if (maxBytes !== undefined && bytes > maxBytes) return;
    this.entries.set(profile.subscriberId, { value, at, generation, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > max || (maxBytes !== undefined && this.totalBytes > maxBytes)) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
      this.evictions++;
    }
  }

  delete(subscriberId: string): boolean {
    const entry = this.entries.get(subscriberId);
    if (entry === undefined) return false;
    this.entries.delete(subscriberId);
    this.totalBytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }
}
