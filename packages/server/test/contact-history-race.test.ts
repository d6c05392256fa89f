// Two processes race for the last contacts of a cap on one Redis: the Lua check-and-reserve lets exactly the cap through.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConfigSnapshot, ContactRecord } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import type { CapSpec } from '../src/redis/contact-history-types.js';
import { contact, contactConfig, deletePrefix, demoContactPolicy, NOW, testPrefix } from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const WORKER = fileURLToPath(new URL('./fixtures/contact-reserve-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const prefix = testPrefix('contact-history-race');
let redis: Redis;

interface WorkerReport {
  reserved: string[];
  refused: number;
  errors: string[];
}
type Plan = { record: ContactRecord; caps: readonly CapSpec[]; now: number }[];

beforeAll(async () => {
  redis = await connect(inject('redisUrl'));
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** Starts a worker process and resolves once it is connected and waiting for its plan. */
async function startWorker(horizonMs: number): Promise<{ child: ChildProcess; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, inject('redisUrl'), prefix, String(horizonMs)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readLines(child);
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`worker did not start: ${String(first.value)}`);
  return { child, lines };
}

async function* readLines(child: ChildProcess): AsyncGenerator<string> {
  let buffered = '';
  for await (const chunk of child.stdout!) {
    buffered += String(chunk);
    let end = buffered.indexOf('\n');
    while (end >= 0) {
      yield buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf('\n');
    }
  }
}

/** Both workers take their plans, then on one signal fire every reserve concurrently. */
async function race(horizonMs: number, plans: [Plan, Plan]): Promise<WorkerReport[]> {
  const workers = await Promise.all([startWorker(horizonMs), startWorker(horizonMs)]);
  await Promise.all(
    workers.map(async ({ child, lines }, i) => {
      child.stdin!.write(`${JSON.stringify(plans[i])}\n`);
      if ((await lines.next()).value !== 'planned') throw new Error('worker did not take its plan');
    }),
  );
  for (const { child } of workers) child.stdin!.write('go\n');
  return Promise.all(
    workers.map(async ({ child, lines }) => {
      const report = await lines.next();
      child.stdin!.end();
      return JSON.parse(String(report.value)) as WorkerReport;
    }),
  );
}

describe('two processes, one cap', () => {
  let config: ConfigSnapshot;
  beforeAll(async () => {
    config = await contactConfig(
      demoContactPolicy({
        caps: [
          { id: 'sms-per-day', channel: 'sms', max: 150, window: '1d' },
          { id: 'per-action-per-day', channel: 'sms', per: 'action', max: 9, window: '1d' },
        ],
        cooldowns: [],
      }),
    );
  });

  it('800 concurrent reserves for one subscriber against a cap of 150: exactly 150 succeed in total', async () => {
    const sub = 'SUB-RACE0001';
    const candidate = { actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false };
    const caps = [config.policy.capsFor(candidate, 'sms')[0]!];
    expect(caps[0]).toMatchObject({ id: 'sms-per-day', max: 150 });
    const plan = (worker: string): Plan =>
      Array.from({ length: 400 }, (_, i) => ({
        record: contact({ subscriberId: sub, decisionId: `${worker}-${i}`, at: NOW + i }),
        caps,
        now: NOW + i,
      }));
    const reports = await race(config.policy.horizonMs, [plan('a'), plan('b')]);

    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    const reserved = reports.flatMap((r) => r.reserved);
    expect(reserved).toHaveLength(150);
    expect(reports[0]!.refused + reports[1]!.refused).toBe(800 - 150);
    // Both processes won some: the race was real, not one process finishing before the other began.
    expect(reports.every((r) => r.reserved.length > 0)).toBe(true);
    // What Redis holds is exactly what the callers were told they reserved.
    const history = new RedisContactHistory({ redis, keyPrefix: prefix, horizonMs: config.policy.horizonMs });
    const stored = await history.load(sub);
    history.close();
    expect(stored.map((r) => r.decisionId).sort()).toEqual([...reserved].sort());
  });

  it('several actions and two caps at once: the subscriber cap and every per-action cap hold exactly', async () => {
    const sub = 'SUB-RACE0002';
    const actions = [
      { actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false },
      { actionId: 'topup-5gb', issue: 'Growth', group: 'Top-ups', mandatory: false },
      { actionId: 'handset-renewal', issue: 'Retention', group: 'Devices', mandatory: false },
    ];
    // 3 actions x 9 per action = 27 < 150: the per-action caps bind; each action gets exactly 9.
    const plan = (worker: string): Plan =>
      Array.from({ length: 240 }, (_, i) => {
        const action = actions[i % actions.length]!;
        return {
          record: contact({ subscriberId: sub, ...action, decisionId: `${worker}-${i}`, at: NOW + i }),
          caps: config.policy.capsFor(action, 'sms'),
          now: NOW + i,
        };
      });
    const reports = await race(config.policy.horizonMs, [plan('a'), plan('b')]);

    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    const history = new RedisContactHistory({ redis, keyPrefix: prefix, horizonMs: config.policy.horizonMs });
    const stored = await history.load(sub);
    history.close();
    const perAction = Object.fromEntries(actions.map((a) => [a.actionId, 0]));
    for (const record of stored) perAction[record.actionId]!++;
    expect(perAction).toEqual({ 'roam-2gb': 9, 'topup-5gb': 9, 'handset-renewal': 9 });
    expect(reports.flatMap((r) => r.reserved)).toHaveLength(27);
  });
});
