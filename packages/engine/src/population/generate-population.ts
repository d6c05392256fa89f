// A population of synthetic subscribers, streamed so millions never sit in memory at once.

import { generateProfile } from './generate-profile.js';
import type { GeneratedProfile } from './profile.js';

/** Which slice of which population to generate. */
export interface PopulationOptions {
  /** The population's seed: the same seed always gives the same subscribers. */
  seed: number;
  /** How many subscribers to generate. */
  count: number;
  /** Index of the first subscriber (default 0), so shards can be generated independently. */
  start?: number;
}

/**
 * Streams subscribers `start .. start + count - 1` of population `seed`.
 *
 * @example for (const p of generatePopulation({ seed: 42, count: 1_000_000 })) store.put(p);
 */
export function* generatePopulation(options: PopulationOptions): Generator<GeneratedProfile, void, undefined> {
  const start = options.start ?? 0;
  if (!Number.isInteger(start) || start < 0) throw new RangeError(`start must be a non-negative integer, got ${start}`);
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${options.count}`);
  }
  const end = start + options.count;
  for (let index = start; index < end; index++) yield generateProfile(options.seed, index);
}
