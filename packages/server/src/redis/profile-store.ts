// The durable profile store: one msgpack value per subscriber in Redis, behind a hot in-process LRU kept fresh by pub/sub.

import { randomUUID } from 'node:crypto';
import type { Profile, ProfileStore } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { ProfileInvalidation } from './invalidation.js';
import { type CachedProfile, ProfileCache } from './profile-store-cache.js';
import { decodeProfile, encodeProfile } from './profile-store-codec.js';
import { connectProfileRedis, subscriberOf } from './profile-store-connection.js';
import { ProfileStoreError, type ProfileStoreEvent } from './profile-store-errors.js';
import { InFlight } from './profile-store-flights.js';
import {
  checkOptions,
  type ProfileRead,
  type RedisProfileStoreOptions,
  type RedisProfileStoreStats,
} from './profile-store-options.js';
import type { PendingWrite } from './profile-store-write-buffer.js';
import { ProfileWriter } from './profile-store-writer.js';

export type { ProfileRead, RedisProfileStoreOptions, RedisProfileStoreStats } from './profile-store-options.js';

/** One page of `scanEncodedPages`: the stored bytes of the profiles under the keys SCAN returned, not decoded. */
export interface EncodedProfilePage {
  /** `'0'` after the last page. */
  cursor: string;
  subscriberIds: string[];
  /** msgpack, as stored; `profiles[i]` is `subscriberIds[i]`'s. */
  profiles: Uint8Array[];
}

/** One page of `scanPages`: the profiles under the keys SCAN returned, and the cursor to carry on from. */
export interface ProfilePage {
  /** `'0'` after the last page. */
  cursor: string;
  profiles: Profile[];
  /** Values that did not decode as profiles. */
  skipped: number;
}

/**
 * Profiles in Redis with a read-through, write-through LRU in front. A cached copy is served as fresh only while
 * no invalidation for it has arrived, the invalidation subscription has stayed up since it was read, and it is
 * younger than `cache.maxAgeMs`. With Redis down, reads fall back to cached copies of any age (flagged
 * `degraded`) and writes wait in a bounded buffer. Profiles are shared with the cache: treat them as read-only.
 *
 * @example
 * const profiles = await RedisProfileStore.connect({ redis: 'redis://127.0.0.1:6379', cache: { max: 500_000 } });
 * const engine = createEngine({ config, profiles });
 */
export class RedisProfileStore implements ProfileStore {
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly ownsRedis: boolean;
  private readonly cache: ProfileCache;
  private readonly writer: ProfileWriter;
  private readonly flights = new InFlight();
  private readonly invalidation: ProfileInvalidation | undefined;
  private readonly clock: () => number;
  private readonly maxAgeMs: number;
  private readonly backoffMs: number;
  private readonly onEvent: (event: ProfileStoreEvent) => void;
  private generation = 0;
  private failedAt = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private closed = false;
  private readonly counts = { hits: 0, misses: 0, degradedReads: 0, invalidations: 0 };

  /** Opens the store and waits until Redis and the invalidation subscription are ready. */
  static async connect(options: RedisProfileStoreOptions): Promise<RedisProfileStore> {
    const store = new RedisProfileStore(options);
    await store.ready();
    return store;
  }

  constructor(options: RedisProfileStoreOptions) {
    checkOptions(options);
    this.prefix = options.prefix ?? 'arbiter:';
    this.ownsRedis = typeof options.redis === 'string';
    this.redis = typeof options.redis === 'string' ? connectProfileRedis(options.redis, options) : options.redis;
    this.cache = new ProfileCache({
      max: options.cache?.max ?? 100_000,
      ...(options.cache?.maxBytes !== undefined && { maxBytes: options.cache.maxBytes }),
      ...(options.cache?.compact !== undefined && { compact: options.cache.compact }),
    });
    this.clock = options.clock ?? Date.now;
    this.maxAgeMs = options.cache?.maxAgeMs ?? 5_000;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.onEvent = options.onEvent ?? (() => {});
    const channel = `${this.prefix}profile-invalidations`;
    const origin = randomUUID();
    this.writer = new ProfileWriter({
      redis: this.redis,
      key: (id) => this.key(id),
      channel,
      origin,
      ttlSeconds: options.ttlSeconds,
      limit: options.writeBuffer?.limit ?? 10_000,
      retryMs: options.writeBuffer?.retryMs ?? 1_000,
      onEvent: this.onEvent,
      onFailure: () => {
        this.failedAt = this.clock();
      },
    });
    if (options.invalidation !== false) {
      this.invalidation = new ProfileInvalidation(subscriberOf(this.redis), {
        channel,
        origin,
        onInvalidate: (id) => this.invalidate(id),
        onSubscribed: () => this.unverify(),
      });
    }
  }

  /** Resolves when Redis answers and the invalidation subscription is live; rejects after `timeoutMs`. */
  async ready(timeoutMs = 5_000): Promise<void> {
    const connected =
      this.redis.status === 'ready' ? Promise.resolve() : new Promise<void>((r) => this.redis.once('ready', () => r()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis not ready within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all([connected, this.invalidation?.start()]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get(subscriberId: string): Profile | undefined | Promise<Profile | undefined> {
    const read = this.getWithStatus(subscriberId);
    return read instanceof Promise ? read.then((r) => r.profile) : read.profile;
  }

  /** The profile, and whether it is a cached copy served because Redis was unavailable. Synchronous on a fresh hit. */
  getWithStatus(subscriberId: string): ProfileRead | Promise<ProfileRead> {
    const now = this.clock();
    const held = this.writer.held(subscriberId);
    if (held) {
      // This process's newest write, not yet in Redis: newer than anything Redis or the cache could answer.
      const profile = held.kind === 'put' ? held.profile : undefined;
      if (this.available(now)) return { profile, degraded: false };
      this.counts.degradedReads++;
      return { profile, degraded: true, detail: 'redis unavailable; answered from a write not yet in Redis' };
    }
    const entry = this.cache.get(subscriberId);
    if (entry !== undefined) {
      const up = this.available(now);
      if (up && entry.generation === this.generation && now - entry.at <= this.maxAgeMs) {
        this.counts.hits++;
        return { profile: this.cache.profileOf(entry), degraded: false };
      }
      if (!up) return this.fromCache(entry, now, 'redis unavailable');
    }
    return this.load(subscriberId, entry, now);
  }

  /** Writes Redis (and publishes the change), then the cache; with Redis down, the cache and the write buffer. */
  put(profile: Profile): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = encodeProfile(profile);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.write({ kind: 'put', subscriberId: profile.subscriberId, profile, bytes, seq: ++this.seq });
  }

  delete(subscriberId: string): Promise<void> {
    return this.write({ kind: 'delete', subscriberId, seq: ++this.seq });
  }

  /** Every profile in Redis under this prefix (writes still held in the buffer are not included). */
  async *scan(): AsyncIterableIterator<Profile> {
    const match = this.scanMatch();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      const values = await this.redis.mgetBuffer(...keys);
      for (let i = 0; i < keys.length; i++) {
        const value = values[i];
        if (value) yield decodeProfile(value, keys[i]!);
      }
    } while (cursor !== '0');
  }

  /**
   * The same walk as `scan`, a SCAN page at a time with the cursor after it (`'0'` after the last page), so a long
   * walk (a campaign run) can stop and start again at a page boundary: pass the cursor back to carry on. A value
   * that does not decode is counted in the page's `skipped` rather than ending the walk.
   */
  async *scanPages(cursor = '0', count = 500): AsyncIterableIterator<ProfilePage> {
    for await (const encoded of this.scanEncodedPages(cursor, count)) {
      const page: ProfilePage = { cursor: encoded.cursor, profiles: [], skipped: 0 };
      encoded.profiles.forEach((bytes, i) => {
        try {
          page.profiles.push(decodeProfile(bytes, this.key(encoded.subscriberIds[i]!)));
        } catch {
          page.skipped++;
        }
      });
      yield page;
    }
  }

  /**
   * `scanPages` without decoding: each profile's stored msgpack bytes with its subscriber id (from the key), so the
   * decoding can happen elsewhere (a campaign run's worker threads). Decode with `decodeProfile`.
   */
  async *scanEncodedPages(cursor = '0', count = 500): AsyncIterableIterator<EncodedProfilePage> {
    const match = this.scanMatch();
    const idFrom = this.key('').length;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      const page: EncodedProfilePage = { cursor, subscriberIds: [], profiles: [] };
      if (keys.length > 0) {
        const values = await this.redis.mgetBuffer(...keys);
        for (let i = 0; i < keys.length; i++) {
          const value = values[i];
          if (!value) continue; // deleted between the SCAN and the MGET
          page.subscriberIds.push(keys[i]!.slice(idFrom));
          page.profiles.push(value);
        }
      }
      yield page;
    } while (cursor !== '0');
  }

  /** Sends held writes to Redis now; resolves with how many are still held. */
  flush(): Promise<number> {
    return this.writer.flush();
  }

  stats(): RedisProfileStoreStats {
    return {
      ...this.counts,
      cached: this.cache.size,
      cachedBytes: this.cache.bytes,
      evictions: this.cache.evictions,
      pendingWrites: this.writer.pending,
      flushedWrites: this.writer.flushed,
      droppedWrites: this.writer.dropped,
      redisAvailable: this.available(this.clock()),
      invalidationLive: this.invalidation?.live ?? false,
    };
  }

  /** Flushes what it can, reports any write it could not send as dropped, and closes the connections it opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    await this.invalidation?.close();
    if (this.ownsRedis) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** The SCAN pattern of this prefix's profile keys (glob characters in the prefix escaped). */
  private scanMatch(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}profile:*`;
  }

  private key(subscriberId: string): string {
    return `${this.prefix}profile:${subscriberId}`;
  }

  private available(now: number): boolean {
    return this.redis.status === 'ready' && now - this.failedAt >= this.backoffMs;
  }

  private fromCache(entry: CachedProfile, now: number, why: string): ProfileRead {
    this.counts.degradedReads++;
    const age = ((now - entry.at) / 1_000).toFixed(1);
    return { profile: this.cache.profileOf(entry), degraded: true, detail: `${why}; cached copy ${age} s old` };
  }

  private async load(subscriberId: string, fallback: CachedProfile | undefined, now: number): Promise<ProfileRead> {
    this.counts.misses++;
    try {
      const profile = await this.read(subscriberId);
      this.failedAt = Number.NEGATIVE_INFINITY;
      return { profile, degraded: false };
    } catch (error) {
      if (error instanceof ProfileStoreError) throw error; // bad data, not an outage
      this.failedAt = this.clock();
      const reason = errorMessage(error);
      if (fallback) return this.fromCache(fallback, now, `redis unavailable (${reason})`);
      throw new ProfileStoreError(
        'PROFILE_STORE_UNAVAILABLE',
        `redis unavailable (${reason}) and no cached copy of ${subscriberId}`,
        { cause: error },
      );
    }
  }

  /** One Redis read per subscriber at a time; its answer is cached only if nothing newer arrived meanwhile. */
  private read(subscriberId: string): Promise<Profile | undefined> {
    const joined = this.flights.shared<Profile | undefined>(subscriberId);
    if (joined) return joined;
    const at = this.clock();
    const generation = this.generation;
    const ticket = this.flights.begin(subscriberId);
    const reading = this.redis.getBuffer(this.key(subscriberId)).then(
      (bytes) => {
        const current = this.flights.end(ticket) && generation === this.generation;
        if (!bytes) {
          if (current) this.cache.delete(subscriberId);
          return undefined;
        }
        const profile = decodeProfile(bytes, this.key(subscriberId));
        if (current) this.cache.set(profile, bytes.length, at, generation);
        return profile;
      },
      (error: unknown) => {
        this.flights.end(ticket);
        throw error;
      },
    );
    this.flights.share(ticket, reading);
    return reading;
  }

  private async write(write: PendingWrite): Promise<void> {
    const { subscriberId } = write;
    this.flights.supersede(subscriberId); // a read in flight now may answer with what this write replaces
    const at = this.clock();
    const generation = this.generation;
    if (this.writer.busy) {
      this.writer.hold(write, 'redis unavailable, or older writes still held', false);
      this.cacheWrite(write, at, generation);
      return;
    }
    const ticket = this.flights.begin(subscriberId);
    try {
      await this.writer.send([write]);
      this.writer.settled(write);
      if (this.flights.end(ticket)) this.cacheWrite(write, at, generation);
      else this.cache.delete(subscriberId); // another process wrote meanwhile: re-read rather than keep ours
    } catch (error) {
      this.flights.end(ticket);
      this.failedAt = this.clock();
      this.writer.hold(write, errorMessage(error), true);
      this.cacheWrite(write, at, generation);
    }
  }

  private cacheWrite(write: PendingWrite, at: number, generation: number): void {
    if (write.kind === 'put') this.cache.set(write.profile, write.bytes.length, at, generation);
    else this.cache.delete(write.subscriberId);
  }

  /** Another process changed this subscriber: drop our copy, and keep a read in flight from caching the old one. */
  private invalidate(subscriberId: string): void {
    this.counts.invalidations++;
    this.flights.supersede(subscriberId);
    this.cache.delete(subscriberId);
  }

  /** The subscription is back: invalidations sent while it was down are lost, so no cached copy is fresh now. */
  private unverify(): void {
    this.generation++;
    if (this.cache.size > 0) {
      this.onEvent({
        code: 'PROFILE_CACHE_UNVERIFIED',
        detail: `${this.cache.size} cached profiles will be re-read before being served as fresh`,
      });
    }
  }
}
