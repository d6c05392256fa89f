// `arbiter import --redis`: profiles land in Redis as RedisProfileStore keys; a write Redis does not take stops the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile, ProfileStore } from '@arbiter/engine';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { importCommand } from '../src/cli/import-command.js';
import { fileSource, importProfiles, loadMapping, memoryRejects } from '../src/import/index.js';
import { redisImportTarget } from '../src/import/redis-import-target.js';
import { RedisProfileStore } from '../src/redis/profile-store.js';
import { failFastOptions } from '../src/redis/profile-store-connection.js';

const url = inject('redisUrl');
const admin = new Redis(url);
const FIXTURE = fileURLToPath(new URL('./fixtures/churn-sample.csv', import.meta.url));
const MAPPING = fileURLToPath(new URL('../../../examples/mappings/telco-churn.yaml', import.meta.url));
const newPrefix = () => `test:import:${Math.random().toString(36).slice(2)}:`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbiter-import-redis-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => admin.quit());

async function profilesUnder(prefix: string): Promise<Profile[]> {
  const store = await RedisProfileStore.connect({ redis: url, prefix, invalidation: false });
  try {
    const found: Profile[] = [];
    for await (const profile of store.scan()) found.push(profile);
    return found.sort((a, b) => a.subscriberId.localeCompare(b.subscriberId));
  } finally {
    await store.close();
  }
}

describe('arbiter import --redis', () => {
  it('writes every valid row as a profile key, readable by the RedisProfileStore', async () => {
    const prefix = newPrefix();
    const out: string[] = [];
    const code = await importCommand(
      FIXTURE,
      { mapping: MAPPING, redis: url, prefix, rejects: join(dir, 'r.jsonl'), json: true },
      { out: (l) => out.push(l), err: () => {} },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ rows: 40, valid: 40, store: expect.stringContaining(prefix) });
    const stored = await profilesUnder(prefix);
    expect(stored).toHaveLength(40);
    expect(stored.find((p) => p.subscriberId === 'CUST-4472-LVYGI')).toMatchObject({
      tenureMonths: 0,
      totalCharges: 0,
      consent: { sms: false },
    });
    expect(await admin.exists(`${prefix}profile:CUST-7590-VHVEG`)).toBe(1);
  });

  it('exits 3 when Redis cannot be reached', async () => {
    const err: string[] = [];
    const code = await importCommand(
      FIXTURE,
      { mapping: MAPPING, redis: 'redis://127.0.0.1:1', rejects: join(dir, 'r.jsonl') },
      { out: () => {}, err: (l) => err.push(l) },
    );
    expect(code).toBe(3);
    expect(err.join('\n')).toMatch(/IMPORT_STORE_FAILED {2}cannot reach the store/);
  });

  it('stops at the first write Redis does not take, and reports that row instead of holding it in memory', async () => {
    const client = new Redis(url, failFastOptions());
    client.on('error', () => {});
    const target = await redisImportTarget({ redis: client, prefix: newPrefix() });
    let puts = 0;
    // The connection drops after ten writes: the store would hold the next ones in its buffer and carry on.
    const store: ProfileStore = {
      get: (id) => target.store.get(id),
      async put(profile) {
        puts += 1;
        if (puts === 11) client.disconnect();
        await target.store.put(profile);
      },
    };
    const rejects = memoryRejects();
    const summary = await importProfiles({
      source: await fileSource(FIXTURE),
      format: 'csv',
      mapping: await loadMapping(MAPPING),
      store,
      rejects,
      concurrency: 1,
    });
    await target.close();
    client.disconnect();
    expect(summary).toMatchObject({
      rows: 11,
      valid: 10,
      invalid: 1,
      stopped: { line: 12, code: 'IMPORT_STORE_FAILED' },
    });
    expect(rejects.rows).toEqual([
      expect.objectContaining({ line: 12, reasons: [expect.objectContaining({ code: 'STORE_FAILED' })] }),
    ]);
    expect(rejects.rows[0]?.reasons[0]?.problem).toMatch(/^Redis did not take the write/);
  });
});
