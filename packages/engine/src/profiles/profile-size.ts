// A cheap estimate of the heap bytes one profile object takes, for byte-bounded profile caches.
import type { Profile } from '../population/index.js';

// V8 on 64-bit Node (no pointer compression): an object is a 24-byte header plus an 8-byte slot per property;
// a string is a 16-byte header plus its characters rounded up to 8; a non-integer number is a 16-byte box.
const OBJECT_HEADER = 24;
const SLOT = 8;
const STRING_HEADER = 16;
const HEAP_NUMBER = 16;
const MAX_DEPTH = 4;

/**
 * Estimated heap bytes of a profile: one pass over its attributes, no serialisation. It counts every string
 * as its own copy, which is right for decoded profiles (from Redis, JSON or CSV) and overstates generated
 * ones, whose enum strings are shared; bench/profiles.ts compares it with measured heap use.
 *
 * @example new LruProfileStore({ maxBytes: 512 * 1024 * 1024 }) // sizes entries with estimateProfileBytes
 */
export function estimateProfileBytes(profile: Profile): number {
  return valueBytes(profile, 0);
}

function valueBytes(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return STRING_HEADER + roundUp(value.length);
    case 'number':
      // Small integers live in the slot itself (Smis); everything else is boxed.
      return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 0 : HEAP_NUMBER;
    case 'object': {
      if (value === null || depth >= MAX_DEPTH) return 0;
      if (Array.isArray(value)) {
        let bytes = OBJECT_HEADER + 16 + value.length * SLOT;
        for (const item of value) bytes += valueBytes(item, depth + 1);
        return bytes;
      }
      let bytes = OBJECT_HEADER;
      for (const key in value) bytes += SLOT + valueBytes((value as Record<string, unknown>)[key], depth + 1);
      return bytes;
    }
    default:
      return 0; // booleans, null, undefined: constants shared by the whole heap
  }
}

function roundUp(length: number): number {
  return (length + 7) & ~7;
}
