// The seam for keeping profiles encoded in memory: a cache trades a decode per read for a smaller footprint.
import type { Profile } from '../population/index.js';

/**
 * Turns a profile into a compact in-memory form and back. The engine ships none (it takes no serialisation
 * dependency); the server's `compactProfileCodec()` keeps msgpack records.
 */
export interface ProfileCodec<Encoded extends object | string = object | string> {
  encode(profile: Profile): Encoded;
  decode(encoded: Encoded): Profile;
  /** Heap bytes the encoded form takes, for byte-bounded caches. */
  sizeOf(encoded: Encoded): number;
}
