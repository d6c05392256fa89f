// The store source of a campaign run: chunks with their histories, resume positions, and the Redis paths (SCAN pages
// with their cursor, pipelined history loads).
import { join } from 'node:path';
import { type ContactRecord, InMemoryContactHistory, type Profile } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import type { WorkChunk, WorkSource } from '../src/campaigns/run-types.js';
import { storeSource } from '../src/campaigns/store-source.js';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import { RedisProfileStore } from '../src/redis/profile-store.js';
import { encodeProfile } from '../src/redis/profile-store-codec.js';
import { campaignRules, NOW, populationStore, readResults } from './fixtures/campaign-fixture.js';
import { contact, deletePrefix, testPrefix } from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

async function drain(source: WorkSource, position?: string): Promise<WorkChunk[]> {
  await source.open(position);
  const chunks: WorkChunk[] = [];
  for (let chunk = await source.next(); chunk; chunk = await source.next()) chunks.push(chunk);
  await source.close();
  return chunks;
}
const ids = (chunks: WorkChunk[]) =>
  chunks.flatMap((c) => c.encoded?.subscriberIds ?? c.items.map((i) => i.profile.subscriberId));

describe('storeSource over the in-memory store', () => {
  it('reads every profile once, in chunks numbered from 0, with each subscriber’s history', async () => {
    const profiles = populationStore(250);
    const history = new InMemoryContactHistory();
    history.record(contact({ subscriberId: 'SUB-00000007', at: NOW }));
    const source = storeSource(profiles, history, { chunkSize: 100 });
    expect(source.total).toBe(250);
    const chunks = await drain(source);
    expect(chunks.map((c) => [c.seq, c.items.length, c.position])).toEqual([
      [0, 100, '100'],
      [1, 100, '200'],
      [2, 50, '250'],
    ]);
    expect(new Set(ids(chunks)).size).toBe(250);
    const item = chunks[0]!.items.find((i) => i.profile.subscriberId === 'SUB-00000007');
    expect(item?.history).toHaveLength(1);
  });

  it('a position is a valid resume point for the same population generated again (insertion order is stable)', async () => {
    const first = await drain(storeSource(populationStore(250), new InMemoryContactHistory(), { chunkSize: 100 }));
    const again = await drain(
      storeSource(populationStore(250), new InMemoryContactHistory(), { chunkSize: 100 }),
      first[0]!.position,
    );
    expect(again[0]!.seq).toBe(0);
    expect(ids(again)).toEqual(ids(first).slice(100));
    expect(again.at(-1)!.position).toBe('250');
  });

  it('reads a store without values() through its async scan', async () => {
    const inner = populationStore(30);
    const scanOnly = {
      get: (id: string) => inner.get(id),
      put: (p: Profile) => inner.put(p),
      scan: () => inner.scan(),
    };
    const chunks = await drain(storeSource(scanOnly, new InMemoryContactHistory(), { chunkSize: 8 }), '16');
    expect(ids(chunks)).toEqual([...inner.values()].slice(16).map((p) => p.subscriberId));
  });
});

describe('storeSource when reads fail for a moment', () => {
  const everyone = [...populationStore(95).values()];
  /** Pages of 10 with the index after the page as cursor; the third page fails the first `failures` times. */
  const flakyStore = (failures: number) => {
    let failed = 0;
    return {
      get: (id: string) => everyone.find((p) => p.subscriberId === id),
      put: () => {},
      async *scanPages(cursor = '0') {
        for (let at = Number(cursor); at < everyone.length; at += 10) {
          if (at === 20 && failed++ < failures) throw new Error('Command timed out');
          const next = at + 10 >= everyone.length ? '0' : String(at + 10);
          yield { cursor: next, profiles: everyone.slice(at, at + 10), skipped: 0 };
        }
      },
    };
  };

  it('tries a failed read again from the last chunk read, losing and repeating nobody', async () => {
    const waits: number[] = [];
    const history = new InMemoryContactHistory();
    let loadFailures = 1;
    const flakyHistory = {
      load: (id: string) => history.load(id),
      record: () => {},
      loadMany: async (idsToLoad: readonly string[]) => {
        if (loadFailures-- > 0) throw new Error('Command timed out');
        return idsToLoad.map((id) => history.load(id));
      },
    };
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const chunks = await drain(storeSource(flakyStore(2), flakyHistory, { chunkSize: 15, sleep }));
    expect(ids(chunks)).toEqual(everyone.map((p) => p.subscriberId));
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(waits).toEqual([100, 100, 200]);
  });

  it('gives up after its retries, and the error is the store’s', async () => {
    const source = storeSource(flakyStore(10), new InMemoryContactHistory(), {
      chunkSize: 15,
      retries: 2,
      sleep: async () => {},
    });
    await source.open();
    await source.next();
    await expect(source.next()).rejects.toThrow('Command timed out');
  });
});

describe('storeSource over the Redis stores', () => {
  const prefix = testPrefix('campaign-source');
  let redis: Redis;
  let profiles: RedisProfileStore;
  let history: RedisContactHistory;

  beforeAll(async () => {
    redis = await connect(inject('redisUrl'), { commandTimeout: 5_000 });
    profiles = await RedisProfileStore.connect({ redis: inject('redisUrl'), prefix, commandTimeoutMs: 5_000 });
    history = new RedisContactHistory({ redis, keyPrefix: prefix, horizonMs: 30 * 86_400_000 });
    const pipeline = redis.pipeline();
    for (const profile of populationStore(1_200).values()) {
      pipeline.set(`${prefix}profile:${profile.subscriberId}`, encodeProfile(profile));
    }
    pipeline.set(`${prefix}profile:SUB-BROKEN`, 'not msgpack at all');
    await pipeline.exec();
    await history.record(contact({ subscriberId: 'SUB-00000003', at: NOW, decisionId: 'd-1' }));
    await history.record(contact({ subscriberId: 'SUB-00000003', at: NOW + 1, decisionId: 'd-2' }));
  });

  afterAll(async () => {
    history.close();
    await profiles.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('loadMany answers what load answers, in one pipeline', async () => {
    const wanted = ['SUB-00000003', 'SUB-00000004', 'SUB-NOBODY'];
    const many = await history.loadMany(wanted);
    const one = await Promise.all(wanted.map((id) => history.load(id)));
    expect(many).toEqual(one);
    expect(many[0]!.map((r: ContactRecord) => r.decisionId)).toEqual(['d-1', 'd-2']);
  });

  it('reads every profile once in pages, still encoded, and resumes at a page cursor', async () => {
    const source = storeSource(profiles, history, { chunkSize: 300 });
    expect(source.total).toBeUndefined();
    const chunks = await drain(source);
    const all = ids(chunks);
    expect(all).toHaveLength(1_201);
    expect(new Set(all).size).toBe(1_201);
    expect(
      chunks.every((c) => c.items.length === 0 && c.encoded!.profiles.length === c.encoded!.subscriberIds.length),
    ).toBe(true);
    expect(chunks.at(-1)!.position).toBe('end');
    const chunk = chunks.find((c) => c.encoded!.subscriberIds.includes('SUB-00000003'))!;
    expect(chunk.encoded!.histories[chunk.encoded!.subscriberIds.indexOf('SUB-00000003')]).toHaveLength(2);

    const resumed = await drain(storeSource(profiles, history, { chunkSize: 300 }), chunks[0]!.position);
    expect(ids(resumed)).toEqual(all.slice(chunks[0]!.encoded!.subscriberIds.length));
    expect(await drain(storeSource(profiles, history), 'end')).toEqual([]);
  });

  it('a run decodes the profiles on its deciders; one that does not decode is a DECISION_ERROR line', async () => {
    const rules = await campaignRules();
    try {
      const report = await startCampaignRun(
        { rulesDir: rules.rulesDir, config: rules.config, profiles, history, channels: [], clock: () => NOW },
        { campaignId: 'email-all', runsDir: join(rules.scratch, 'runs'), workers: 0, dryRun: true },
      ).done;
      expect(report).toMatchObject({ phase: 'done', counts: { scanned: 1_201 } });
      expect(report.counts.byReason.DECISION_ERROR).toBe(1);
      const broken = (await readResults(report.output)).find((l) => l.subscriberId === 'SUB-BROKEN');
      expect(broken).toMatchObject({ status: 'dropped', reason: 'DECISION_ERROR' });
      expect(broken?.detail).toContain('PROFILE_DECODE_FAILED');
    } finally {
      await rules.cleanup();
    }
  });

  it('scanPages decodes, counting what does not decode', async () => {
    let skipped = 0;
    for await (const page of profiles.scanPages()) skipped += page.skipped;
    expect(skipped).toBe(1);
  });

  it('scanPages gives pages whose cursors chain to the end', async () => {
    let pages = 0;
    let seen = 0;
    let last = '';
    for await (const page of profiles.scanPages('0', 100)) {
      pages++;
      seen += page.profiles.length + page.skipped;
      last = page.cursor;
    }
    expect(last).toBe('0');
    expect(seen).toBe(1_201);
    expect(pages).toBeGreaterThan(1);
  });
});
