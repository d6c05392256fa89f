// The distributed campaign source on a real Redis: consumers share a run's chunks, a dead consumer's or producer's work is taken over.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkChunk } from '../src/campaigns/run-types.js';
import { StreamProducer } from '../src/campaigns/stream-producer.js';
import {
  readStreamRunCounts,
  registerStreamRun,
  STREAM_GROUP,
  type StreamRunIdentity,
  streamRunKeys,
} from '../src/campaigns/stream-run.js';
import { StreamSource, type StreamSourceOptions } from '../src/campaigns/stream-source.js';
import { writePopulation } from './fixtures/campaign-stream-population.js';
import { deletePrefix, testPrefix } from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const NOW = Date.UTC(2025, 2, 12, 10, 0, 0);
let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connect(inject('redisUrl'));
});

afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** A fresh prefix holding `count` generated profiles, and a run over them. */
async function population(count: number): Promise<{ prefix: string; ids: string[]; run: StreamRunIdentity }> {
  const prefix = testPrefix('campaign-stream');
  prefixes.push(prefix);
  const ids = await writePopulation(redis, prefix, count);
  return { prefix, ids, run: { runId: 'run-1', campaignId: 'fiber-upgrade', configVersion: 'v1', now: NOW } };
}

function source(
  prefix: string,
  run: StreamRunIdentity,
  consumer: string,
  options: Partial<StreamSourceOptions> = {},
): StreamSource {
  return new StreamSource({ redis, prefix, ...run, consumer, blockMs: 50, log: () => {}, ...options });
}

/** What a runner does with a source: read every chunk, commit each; resolves with the subscriber ids it got. */
async function drain(work: StreamSource, perChunk: (chunk: WorkChunk) => Promise<void> = async () => {}) {
  const ids: string[] = [];
  await work.open();
  for (let chunk = await work.next(); chunk; chunk = await work.next()) {
    for (const item of chunk.items) ids.push(item.profile.subscriberId);
    await perChunk(chunk);
    await work.commit(chunk);
  }
  await work.close();
  return ids;
}

/** As the runner reads: up to `depth` chunks ahead, committing the oldest only after the next read returned. */
async function drainReadingAhead(work: StreamSource, depth: number): Promise<string[]> {
  const ids: string[] = [];
  const queue: WorkChunk[] = [];
  let exhausted = false;
  await work.open();
  for (;;) {
    while (!exhausted && queue.length < depth) {
      const chunk = await work.next();
      if (chunk) queue.push(chunk);
      else exhausted = true;
    }
    const head = queue.shift();
    if (!head) break;
    for (const item of head.items) ids.push(item.profile.subscriberId);
    await sleep(2);
    await work.commit(head);
  }
  await work.close();
  return ids;
}

function expectEachOnce(got: readonly string[], all: readonly string[]): void {
  expect(got.length).toBe(all.length);
  expect(new Set(got).size).toBe(got.length);
  expect([...got].sort()).toEqual([...all].sort());
}

describe('StreamSource: one run, several consumers', () => {
  it('two consumers share 5,000 subscribers: each decided by exactly one of them, both get work', async () => {
    const { prefix, ids, run } = await population(5_000);
    const a = source(prefix, run, 'a', { chunkSize: 250 });
    const b = source(prefix, run, 'b', { chunkSize: 250 });
    const slowly = () => sleep(2); // deciding takes a moment; without it one consumer may empty the stream alone
    const [fromA, fromB] = await Promise.all([drain(a, slowly), drain(b, slowly)]);

    expectEachOnce([...fromA, ...fromB], ids);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect(a.stats().produced + b.stats().produced).toBe(a.stats().chunks + b.stats().chunks);

    const status = await readStreamRunCounts(redis, prefix, run.runId);
    expect(status).toMatchObject({ state: 'produced', total: 5_000, done: 5_000, waiting: 0, working: 0 });
    expect(status?.finished).toBe(true);
    // Committed entries are deleted; the dedupe set and the lock are gone; the rest expires in a week.
    const keys = streamRunKeys(prefix, run.runId);
    expect(await redis.xlen(keys.work)).toBe(0);
    expect(await redis.exists(keys.seen, keys.producer)).toBe(0);
    for (const key of [keys.work, keys.meta, keys.counts]) {
      expect(await redis.pttl(key)).toBeGreaterThan(6 * 24 * 3_600_000);
    }
  });

  it('consumers that read ahead of their commits, waiting for each other at the end, do not deadlock', async () => {
    const { prefix, ids, run } = await population(2_000);
    const a = source(prefix, run, 'a', { chunkSize: 100 });
    const b = source(prefix, run, 'b', { chunkSize: 100 });
    // Each holds uncommitted chunks while it waits for the other's: it hands its runner empty chunks meanwhile.
    const [fromA, fromB] = await Promise.all([drainReadingAhead(a, 3), drainReadingAhead(b, 3)]);
    expectEachOnce([...fromA, ...fromB], ids);
    expect(await readStreamRunCounts(redis, prefix, run.runId)).toMatchObject({ done: 2_000, finished: true });
  });

  it('the chunks carry each subscriber profile and contact history, decoded', async () => {
    const { prefix, ids, run } = await population(20);
    const record = JSON.stringify([
      'u1',
      NOW - 1_000,
      'dec-1',
      'roam-2gb',
      'Growth',
      'Roaming',
      'sms',
      'impression',
      0,
    ]);
    await redis.zadd(`${prefix}contacts:${ids[3]}`, NOW - 1_000, record);
    await redis.set(`${prefix}profile:${ids[5]}`, 'not msgpack \xc1');
    const work = source(prefix, run, 'a');
    await work.open();
    const chunk = await work.next();
    expect(chunk?.items).toHaveLength(19);
    expect(chunk?.skipped).toBe(1);
    const third = chunk?.items.find((item) => item.profile.subscriberId === ids[3]);
    expect(third?.history).toEqual([
      expect.objectContaining({ subscriberId: ids[3], decisionId: 'dec-1', actionId: 'roam-2gb', channel: 'sms' }),
    ]);
    await work.commit(chunk!);
    expect(await work.next()).toBeUndefined();
    await work.close();
    expect(await readStreamRunCounts(redis, prefix, run.runId)).toMatchObject({ done: 20, skipped: 1 });
  });

  it('a consumer that dies holding a chunk: another takes it over after the idle time, and covers everyone', async () => {
    const { prefix, ids, run } = await population(1_000);
    await registerStreamRun(redis, run, { prefix });
    const producer = new StreamProducer({ redis, prefix, runId: run.runId, consumer: 'p', chunkSize: 100 });
    expect(await producer.acquire()).toBe(true);
    expect(await producer.run(new AbortController().signal)).toBe('produced');
    // A consumer reads an entry and is never heard of again: no commit, no heartbeat.
    const keys = streamRunKeys(prefix, run.runId);
    await redis.call('XREADGROUP', 'GROUP', STREAM_GROUP, 'ghost', 'COUNT', 1, 'STREAMS', keys.work, '>');
    expect(((await redis.xpending(keys.work, STREAM_GROUP)) as [number])[0]).toBe(1);

    const b = source(prefix, run, 'b', { claimIdleMs: 300 });
    expectEachOnce(await drain(b), ids);
    expect(b.stats().claimed).toBe(1);
    expect(await readStreamRunCounts(redis, prefix, run.runId)).toMatchObject({ done: 1_000, finished: true });
  });

  it('a slow consumer keeps its chunk (heartbeat): nothing is claimed from it, and the others wait for it', async () => {
    const { prefix, ids, run } = await population(600);
    const options = { chunkSize: 100, claimIdleMs: 300 };
    const slow = source(prefix, run, 'slow', options);
    await slow.open();
    const held = await slow.next();
    const heldIds = held!.items.map((item) => item.profile.subscriberId);
    let committing = Number.POSITIVE_INFINITY;
    const slowDone = (async () => {
      await sleep(1_500); // five idle times
      committing = Date.now();
      await slow.commit(held!);
      await slow.close();
    })();

    const other = source(prefix, run, 'other', options);
    const fromOther = await drain(other);
    const endedAt = Date.now();
    await slowDone;
    expect(other.stats().claimed).toBe(0);
    expect(endedAt).toBeGreaterThanOrEqual(committing);
    expectEachOnce([...heldIds, ...fromOther], ids);
  });

  it('without waitForPeers a consumer ends when nothing is left for it, while a peer still works', async () => {
    const { prefix, run } = await population(300);
    const busy = source(prefix, run, 'busy', { chunkSize: 100 });
    await busy.open();
    const held = await busy.next();
    const leaver = source(prefix, run, 'leaver', { chunkSize: 100, waitForPeers: false });
    expect((await drain(leaver)).length).toBe(300 - held!.items.length);
    expect(await readStreamRunCounts(redis, prefix, run.runId)).toMatchObject({ working: 1, finished: false });
    await busy.commit(held!);
    expect(await busy.next()).toBeUndefined();
    await busy.close();
    expect(await readStreamRunCounts(redis, prefix, run.runId)).toMatchObject({ working: 0, finished: true });
  });

  it('a consumer restarted under the same name takes its own pending chunk back at once', async () => {
    const { prefix, ids, run } = await population(300);
    const first = source(prefix, run, 'node-1', { chunkSize: 100 });
    await first.open();
    const lost = await first.next();
    await first.close(); // killed before committing
    const again = source(prefix, run, 'node-1', { chunkSize: 100 });
    const got = await drain(again);
    expectEachOnce(got, ids);
    expect(again.stats().recovered).toBe(1);
    expect(got.slice(0, lost!.items.length)).toEqual(lost!.items.map((item) => item.profile.subscriberId));
  });

  it('refuses to join a run of another campaign, config version or decision time', async () => {
    const { prefix, run } = await population(10);
    await registerStreamRun(redis, run, { prefix });
    await expect(registerStreamRun(redis, { ...run, configVersion: 'v2' }, { prefix })).rejects.toThrow(
      /run-1 is a run of fiber-upgrade at config v1/,
    );
    const joined = await registerStreamRun(redis, { ...run, now: NOW + 60_000 }, { prefix });
    expect(joined.now).toBe(NOW); // the run's time, for the joining process to decide at
    const late = source(prefix, { ...run, now: NOW + 60_000 }, 'late');
    await expect(late.open()).rejects.toThrow(/decides at 2025-03-12T10:00:00.000Z/);
    await late.close();
  });
});

describe('StreamProducer: one producer at a time, and a successor carries on', () => {
  it('a producer that dies after some pages: another takes over after the lock TTL; every id produced once', async () => {
    const { prefix, ids, run } = await population(3_000);
    await registerStreamRun(redis, run, { prefix });
    const first = new StreamProducer({
      redis,
      prefix,
      runId: run.runId,
      consumer: 'first',
      chunkSize: 200,
      lockTtlMs: 300,
    });
    expect(await first.acquire()).toBe(true);
    for (let i = 0; i < 3; i++) expect((await first.step()).status).toBe('more');
    // ... and dies: the lock is not given up, it expires.

    const b = source(prefix, run, 'b', { chunkSize: 200, producerTtlMs: 300 });
    expectEachOnce(await drain(b), ids);
    expect(b.stats().produced).toBeGreaterThan(0);
    expect(await readStreamRunCounts(redis, prefix, run.runId)).toMatchObject({ total: 3_000, done: 3_000 });
    // The first producer, back from a pause, finds nothing left to add.
    expect(await first.step()).toEqual({ status: 'produced', added: 0 });
  });

  it('a producer that loses its lock mid-run is refused its next page', async () => {
    const { prefix, run } = await population(1_000);
    await registerStreamRun(redis, run, { prefix });
    const keys = streamRunKeys(prefix, run.runId);
    const first = new StreamProducer({ redis, prefix, runId: run.runId, consumer: 'first', chunkSize: 100 });
    await first.acquire();
    await first.step();
    await redis.set(keys.producer, 'second'); // its lock expired and another process took it
    expect(await first.step()).toEqual({ status: 'lost' });
    expect(await redis.xlen(keys.work)).toBe(1);
  });

  it('a clean close gives the lock up: another process takes over at once', async () => {
    const { prefix, ids, run } = await population(1_000);
    const options = { chunkSize: 100, producerTtlMs: 60_000, maxBacklog: 1 };
    const a = source(prefix, run, 'a', options);
    await a.open(); // produces one entry, then waits for a consumer
    await sleep(100);
    await a.close();
    expect(a.stats().produced).toBe(1);
    const startedAt = Date.now();
    const b = source(prefix, run, 'b', options);
    expectEachOnce(await drain(b), ids);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('a key SCAN returns twice is put on the stream once', async () => {
    const { prefix, ids, run } = await population(500);
    await registerStreamRun(redis, run, { prefix });
    const keys = streamRunKeys(prefix, run.runId);
    const producer = new StreamProducer({ redis, prefix, runId: run.runId, consumer: 'p', chunkSize: 100 });
    await producer.acquire();
    const first = await producer.step();
    expect(first.status === 'more' && first.added).toBeGreaterThan(0);
    // SCAN during a rehash may return keys again: here the cursor starts over, so every page repeats.
    await redis.hset(keys.meta, 'cursor', '0');
    await producer.run(new AbortController().signal);
    const work = source(prefix, run, 'c');
    expectEachOnce(await drain(work), ids);
  });
});

describe('StreamSource: the volume limit is one budget for the whole run', () => {
  it('two processes claiming at once are granted exactly the limit between them, and released volume is granted again', async () => {
    const { prefix, run } = await population(10);
    const a = source(prefix, run, 'a');
    const b = source(prefix, run, 'b');
    await Promise.all([a.open(), b.open()]);
    try {
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).volume!.claim(7, 50)),
      );
      expect(claims.reduce((sum, n) => sum + n, 0)).toBe(50);
      expect(claims.every((n) => n >= 0 && n <= 7)).toBe(true);
      expect(await a.volume!.claim(5, 50)).toBe(0);
      await b.volume!.release(3); // three contacts refused by a cap give their volume back
      expect(await a.volume!.claim(5, 50)).toBe(3);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
