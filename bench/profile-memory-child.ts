// Child process of bench/profiles.ts: fills one profile store with N generated profiles and prints heap bytes per profile.
// Run with --expose-gc: node --expose-gc --import tsx bench/profile-memory-child.ts <mode> <count>
import { generatePopulation, InMemoryProfileStore, type Profile } from '@arbiter/engine';
import { Packr } from 'msgpackr';
import { LruProfileStore } from '../packages/engine/src/profiles/index.js';
import { ProfileCache } from '../packages/server/src/redis/profile-store-cache.js';
import { compactProfileCodec, decodeProfile, encodeProfile } from '../packages/server/src/redis/profile-store-codec.js';

/** What each mode holds, so the parent can label its rows. */
export const MEMORY_MODES = {
  map: 'InMemoryProfileStore (a Map), generated objects',
  lru: 'LruProfileStore by count, generated objects',
  'lru-bytes': 'LruProfileStore by bytes (estimateProfileBytes), generated objects',
  'lru-compact': 'LruProfileStore by count, compactProfileCodec (msgpack records in one-byte strings)',
  'redis-cache': "RedisProfileStore's cache, objects as decodeProfile returns them (fast properties, shared strings)",
  'redis-cache-compact': "RedisProfileStore's cache, compact",
  'msgpackr-objects': "LruProfileStore by count, msgpackr's decoded objects as they come (for comparison)",
} as const;
export type MemoryMode = keyof typeof MEMORY_MODES;

export interface MemoryMeasure {
  mode: MemoryMode;
  count: number;
  bytesPerProfile: number;
  /** The store's own estimate per profile, where it keeps one. */
  estimatedPerProfile?: number;
  fillPerSec: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  // Buffers live outside the JS heap; count them too so an encoding that uses them is not flattered.
  return m.heapUsed + m.arrayBuffers;
}

async function measure(mode: MemoryMode, count: number): Promise<MemoryMeasure> {
  const wire = new Packr({ useRecords: false });
  const decoded = (p: Profile) => wire.unpack(wire.pack(p)) as Profile;
  // Load the generator's tables and the codecs before the baseline, so only the profiles are counted.
  const warm = [...generatePopulation({ seed: 1, count: 10 })];
  compactProfileCodec().encode(decoded(warm[0]!));
  const before = heap();
  const started = performance.now();
  let keep: unknown;
  let estimated: (() => number) | undefined;
  const population = generatePopulation({ seed: 1, count });
  switch (mode) {
    case 'map':
      keep = new InMemoryProfileStore(population);
      break;
    case 'lru':
    case 'lru-bytes':
    case 'lru-compact':
    case 'msgpackr-objects': {
      const store = new LruProfileStore(
        mode === 'lru-bytes'
          ? { maxBytes: 2 ** 40 }
          : mode === 'lru-compact'
            ? { max: count, codec: compactProfileCodec() }
            : { max: count },
      );
      for (const p of population) store.put(mode === 'msgpackr-objects' ? decoded(p) : p);
      if (mode === 'lru-bytes') estimated = () => store.stats().bytes / count;
      keep = store;
      break;
    }
    case 'redis-cache':
    case 'redis-cache-compact': {
      const cache = new ProfileCache({ max: count, compact: mode === 'redis-cache-compact' });
      for (const p of population) {
        const bytes = encodeProfile(p);
        cache.set(decodeProfile(bytes, p.subscriberId), bytes.length, 0, 0);
      }
      estimated = () => cache.bytes / count;
      keep = cache;
      break;
    }
  }
  const fillPerSec = count / ((performance.now() - started) / 1_000);
  const after = heap();
  const result: MemoryMeasure = { mode, count, bytesPerProfile: (after - before) / count, fillPerSec };
  if (estimated) result.estimatedPerProfile = estimated();
  if (keep === undefined) throw new Error('nothing kept');
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!gc) throw new Error('run with node --expose-gc');
  const mode = process.argv[2] as MemoryMode;
  if (!(mode in MEMORY_MODES)) throw new Error(`mode must be one of ${Object.keys(MEMORY_MODES).join(', ')}`);
  const count = Number(process.argv[3] ?? 1_000_000);
  process.stdout.write(`${JSON.stringify(await measure(mode, count))}\n`);
}
