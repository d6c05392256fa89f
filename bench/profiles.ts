// Benchmark: profile fetch latency (in memory, LRU, Redis cache hit and miss) and heap bytes per hot profile at 1 million.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generatePopulation, InMemoryProfileStore } from '@arbiter/engine';
import { Bench } from 'tinybench';
import { LruProfileStore } from '../packages/engine/src/profiles/index.js';
import { RedisProfileStore } from '../packages/server/src/redis/profile-store.js';
import { ProfileCache } from '../packages/server/src/redis/profile-store-cache.js';
import { compactProfileCodec } from '../packages/server/src/redis/profile-store-codec.js';
import { startRedisServer } from '../packages/server/test/redis-server.js';
import { MEMORY_MODES, type MemoryMeasure, type MemoryMode } from './profile-memory-child.js';
import type { BenchResult, BenchRow } from './types.js';

export interface ProfilesBenchOptions {
  /** Profiles fetched in the latency cases (default 10,000). */
  profiles?: number;
  /** Profiles held in the memory cases (default 1,000,000). */
  memoryCount?: number;
  timeMs?: number;
}

// An in-memory get takes tens of nanoseconds: time batches so timer overhead does not dominate.
const BATCH = 100;
const CONCURRENT = 32;
const CHILD = fileURLToPath(new URL('./profile-memory-child.ts', import.meta.url));

/** Fetch latency against a private redis-server on a free port, then memory per profile in child processes. */
export async function benchProfiles(options: ProfilesBenchOptions = {}): Promise<BenchResult> {
  const latency = await fetchLatency(options);
  const memory = await memoryPerProfile(options.memoryCount ?? 1_000_000);
  return { name: 'profiles (fetch latency, memory per hot profile)', ...merge(latency, memory) };
}

async function fetchLatency(options: ProfilesBenchOptions): Promise<Pick<BenchResult, 'rows' | 'ratios'>> {
  const population = [...generatePopulation({ seed: 21, count: options.profiles ?? 10_000 })];
  const ids = population.map((p) => p.subscriberId);
  const redis = await startRedisServer();
  const stores: RedisProfileStore[] = [];
  const open = async (cache: ConstructorParameters<typeof RedisProfileStore>[0]['cache']) => {
    const store = await RedisProfileStore.connect({ redis: redis.url, prefix: 'bench:', cache });
    stores.push(store);
    return store;
  };
  try {
    const writer = await open({ max: 1 });
    for (let i = 0; i < population.length; i += 500) {
      await Promise.all(population.slice(i, i + 500).map((p) => writer.put(p)));
    }
    const memory = new InMemoryProfileStore(population);
    const lru = new LruProfileStore({ max: population.length });
    const lruCompact = new LruProfileStore({ max: population.length, codec: compactProfileCodec() });
    const hot = await open({ max: population.length, maxAgeMs: 3_600_000 });
    const hotCompact = await open({ max: population.length, maxAgeMs: 3_600_000, compact: true });
    const cold = await open({ max: population.length, maxAgeMs: 0 }); // every get reads Redis
    for (const p of population) {
      lru.put(p);
      lruCompact.put(p);
      await hot.get(p.subscriberId);
      await hotCompact.get(p.subscriberId);
    }

    const bench = new Bench({ name: 'profiles', time: options.timeMs ?? 2_000, warmupTime: 250 });
    let i = 0;
    const batch = (name: string, get: (id: string) => unknown) =>
      bench.add(name, () => {
        for (let b = 0; b < BATCH; b++) if (get(ids[i++ % ids.length]!) === undefined) throw new Error('missing');
      });
    batch('in-memory get (Map): baseline', (id) => memory.get(id));
    batch('LruProfileStore get', (id) => lru.get(id));
    batch('LruProfileStore get, compact codec', (id) => lruCompact.get(id));
    batch('Redis store, cache hit', (id) => hot.get(id));
    batch('Redis store, cache hit, compact cache', (id) => hotCompact.get(id));
    // The cache once full, at a production size: 100,000 entries over 300,000 subscribers (small profiles), so most
    // reads miss and put one in, evicting the least recently used.
    const evicting = new ProfileCache({ max: 100_000 });
    const many = Array.from({ length: 300_000 }, (_, n) => ({ subscriberId: `E-${n}`, n }));
    let e = 0;
    bench.add('Redis store cache, full and evicting (get, else set)', () => {
      for (let b = 0; b < BATCH; b++) {
        const profile = many[(e++ * 7_919) % many.length]!; // a stride prime to 300,000: every id, scattered
        if (!evicting.get(profile.subscriberId)) evicting.set(profile, 40, 0, 0);
      }
    });
    bench.add('Redis store, cache miss (GET + decode)', async () => {
      if ((await cold.get(ids[i++ % ids.length]!)) === undefined) throw new Error('missing');
    });
    bench.add(`Redis store, cache miss, ${CONCURRENT} concurrent`, async () => {
      const reads = [];
      for (let c = 0; c < CONCURRENT; c++) reads.push(cold.get(ids[i++ % ids.length]!));
      for (const p of await Promise.all(reads)) if (p === undefined) throw new Error('missing');
    });
    await bench.run();

    const rows: BenchRow[] = bench.tasks.map((task) => {
      const r = task.result as unknown as { latency: { p50: number; p99: number; mean: number } };
      const per = task.name.includes('concurrent') ? CONCURRENT : task.name.includes('miss') ? 1 : BATCH;
      const row: BenchRow = {
        case: task.name,
        opsPerSec: (1_000 * per) / r.latency.mean,
        p50Us: (r.latency.p50 * 1_000) / per,
        p99Us: (r.latency.p99 * 1_000) / per,
      };
      if (per === BATCH) row.note = `mean ${((r.latency.mean * 1e6) / per).toFixed(0)} ns a get (batches of ${BATCH})`;
      if (per === CONCURRENT) row.note = `${CONCURRENT} gets in flight at once; µs per get (the batch / ${CONCURRENT})`;
      return row;
    });
    const mean = (name: string) => 1 / rows.find((r) => r.case === name)!.opsPerSec;
    const baseline = mean('in-memory get (Map): baseline');
    const ratio = (name: string, target?: number) => ({
      name: `${name} vs in-memory get (cost ratio)`,
      value: mean(name) / baseline,
      ...(target !== undefined && { target, better: 'lower' as const }),
    });
    return {
      rows,
      ratios: [
        ratio('LruProfileStore get'),
        ratio('Redis store, cache hit'),
        ratio('Redis store, cache hit, compact cache'),
        ratio('Redis store cache, full and evicting (get, else set)'),
        ratio('Redis store, cache miss (GET + decode)'),
        {
          name: 'Redis cache miss vs cache hit (cost ratio)',
          value: mean('Redis store, cache miss (GET + decode)') / mean('Redis store, cache hit'),
        },
      ],
    };
  } finally {
    for (const store of stores) await store.close();
    await redis.stop();
  }
}

async function memoryPerProfile(count: number): Promise<Pick<BenchResult, 'rows' | 'ratios'>> {
  const rows: BenchRow[] = [];
  const measured = new Map<MemoryMode, MemoryMeasure>();
  for (const mode of Object.keys(MEMORY_MODES) as MemoryMode[]) {
    const m = await runChild(mode, count);
    measured.set(mode, m);
    const estimate =
      m.estimatedPerProfile === undefined ? '' : `; the store's estimate ${m.estimatedPerProfile.toFixed(0)} B`;
    rows.push({
      case: `memory: ${MEMORY_MODES[mode]}`,
      opsPerSec: m.fillPerSec,
      note: `${m.bytesPerProfile.toFixed(0)} bytes per profile at ${count.toLocaleString('en-US')}${estimate} (ops/s: profiles filled per second)`,
    });
  }
  const bytes = (mode: MemoryMode) => measured.get(mode)!.bytesPerProfile;
  return {
    rows,
    ratios: [
      { name: 'bytes per hot profile, LruProfileStore (objects)', value: bytes('lru'), target: 1_024, better: 'lower' },
      {
        name: 'bytes per hot profile, LruProfileStore (compact)',
        value: bytes('lru-compact'),
        target: 1_024,
        better: 'lower',
      },
      {
        name: 'bytes per hot profile, Redis store cache (objects)',
        value: bytes('redis-cache'),
        target: 1_024,
        better: 'lower',
      },
      {
        name: 'bytes per hot profile, Redis store cache (compact)',
        value: bytes('redis-cache-compact'),
        target: 1_024,
        better: 'lower',
      },
      { name: 'LruProfileStore vs Map (memory ratio)', value: bytes('lru') / bytes('map') },
    ],
  };
}

/** One mode in a fresh process with --expose-gc, so earlier modes' garbage and caches cannot blur the numbers. */
function runChild(mode: MemoryMode, count: number): Promise<MemoryMeasure> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', CHILD, mode, String(count)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as MemoryMeasure);
      else reject(new Error(`memory child (${mode}) exited with ${code}`));
    });
  });
}

function merge(...parts: Pick<BenchResult, 'rows' | 'ratios'>[]): Pick<BenchResult, 'rows' | 'ratios'> {
  return { rows: parts.flatMap((p) => p.rows), ratios: parts.flatMap((p) => p.ratios) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchProfiles({ memoryCount: Number(process.argv[2] ?? 1_000_000) }), null, 2));
}
