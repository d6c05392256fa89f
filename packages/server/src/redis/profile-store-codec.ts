// How profiles are encoded: plain msgpack in Redis (any process decodes it), compact msgpack records in memory.
import type { Profile } from '@arbiter/engine';
import { Packr } from 'msgpackr';
import { ProfileStoreError } from './profile-store-errors.js';

// Self-describing maps, no shared record structures: a value in Redis must decode in any process, any version.
const wire = new Packr({ useRecords: false });

/** A profile as the bytes stored under its Redis key. */
export function encodeProfile(profile: Profile): Buffer {
  if (typeof profile?.subscriberId !== 'string') {
    throw new ProfileStoreError('PROFILE_INVALID', 'a profile needs a string subscriberId');
  }
  try {
    return wire.pack(profile);
  } catch (error) {
    throw new ProfileStoreError('PROFILE_INVALID', `profile ${profile.subscriberId} cannot be encoded`, {
      cause: error,
    });
  }
}

/** The profile under a Redis key; throws PROFILE_DECODE_FAILED on anything else. */
export function decodeProfile(bytes: Uint8Array, key: string): Profile {
  let value: unknown;
  try {
    value = wire.unpack(bytes);
  } catch (error) {
    throw new ProfileStoreError('PROFILE_DECODE_FAILED', `${key}: not msgpack`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || typeof (value as Profile).subscriberId !== 'string') {
    throw new ProfileStoreError('PROFILE_DECODE_FAILED', `${key}: not a profile with a subscriberId`);
  }
  return tidy(value as Profile);
}

// Short strings up to this length are shared between decoded profiles; the pool starts over when full.
const SHARED_STRING_LENGTH = 32;
const POOL_LIMIT = 4_096;
const pool = new Map<string, string>();

/**
 * A decoded profile as V8 keeps it smallest: msgpackr builds objects key by key, which leaves a 30-attribute
 * profile in dictionary mode with its own copy of every string (about 2.7 KB on the heap). A spread copy has
 * fast properties, and sharing the short repeated values (segment, plan, time zone, ...) brings it to about
 * 550 bytes (bench/profiles.ts). Unique values such as ids churn through the bounded pool harmlessly.
 */
function tidy(decoded: Profile): Profile {
  const profile: Profile = { ...decoded };
  for (const key in profile) {
    const value = profile[key];
    if (typeof value !== 'string' || value.length > SHARED_STRING_LENGTH) continue;
    let shared = pool.get(value);
    if (shared === undefined) {
      if (pool.size >= POOL_LIMIT) pool.clear();
      pool.set(value, value);
      shared = value;
    }
    profile[key] = shared;
  }
  return profile;
}

/** The in-memory codec shape the engine's LruProfileStore takes (its `ProfileCodec`). */
export interface CompactProfileCodec {
  encode(profile: Profile): string;
  decode(encoded: string): Profile;
  sizeOf(encoded: string): number;
}

/**
 * Profiles kept as msgpack records in one-byte strings: about a third of a decoded object's heap.
 * Records share their key lists within this codec (so the bytes mean nothing to another process), and a
 * V8 one-byte string is the densest heap home for bytes: a Uint8Array per profile carries ~250 bytes of
 * ArrayBuffer bookkeeping, and msgpackr's own output is a view into a shared buffer that would pin it.
 *
 * @example new LruProfileStore({ max: 1_000_000, codec: compactProfileCodec() })
 */
export function compactProfileCodec(): CompactProfileCodec {
  const records = new Packr({ structures: [] });
  return {
    encode: (profile) => records.pack(profile).toString('latin1'),
    decode: (encoded) => records.unpack(Buffer.from(encoded, 'latin1')) as Profile,
    // A sequential one-byte string: 16-byte header, characters rounded up to 8.
    sizeOf: (encoded) => 16 + ((encoded.length + 7) & ~7),
  };
}
