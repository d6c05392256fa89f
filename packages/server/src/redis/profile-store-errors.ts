// Codes the Redis profile store throws or reports, as data (the engine maps a thrown read to PROFILE_STORE_UNAVAILABLE).

/** Codes on errors the store throws (`ProfileStoreError.code`). */
export const profileStoreErrors = {
  PROFILE_STORE_UNAVAILABLE:
    'Redis could not be reached (down, reconnecting, or slower than commandTimeoutMs) and the hot cache holds no copy of the profile.',
  PROFILE_DECODE_FAILED: 'The value under a profile key is not a msgpack-encoded profile with a string subscriberId.',
  PROFILE_INVALID: 'A profile to write has no string subscriberId, or cannot be encoded.',
} as const;
export type ProfileStoreErrorCode = keyof typeof profileStoreErrors;

/** Codes on the events the store reports through `onEvent`, so nothing it holds back or loses is silent. */
export const profileStoreEvents = {
  PROFILE_WRITE_BUFFERED: 'Redis refused or timed out a profile write; it is held in the write buffer and retried.',
  PROFILE_WRITE_DROPPED:
    'A buffered write was given up: the buffer was full (its oldest write goes) or the store closed with Redis down. Counted in stats().droppedWrites.',
  PROFILE_WRITES_FLUSHED: 'Every buffered profile write has reached Redis.',
  PROFILE_CACHE_UNVERIFIED:
    'The invalidation subscription was re-established after a disconnect; every cached copy is re-read from Redis before it is served as fresh again.',
} as const;
export type ProfileStoreEventCode = keyof typeof profileStoreEvents;

/** Something the store reports without throwing. */
export interface ProfileStoreEvent {
  code: ProfileStoreEventCode;
  subscriberId?: string;
  detail: string;
}

/** An error with a code from `profileStoreErrors`. */
export class ProfileStoreError extends Error {
  constructor(
    readonly code: ProfileStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProfileStoreError';
  }
}
