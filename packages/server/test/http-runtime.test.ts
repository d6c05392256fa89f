// The runtime: a new engine per config version over shared stores, the recent-decisions ring, profile-change events.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Decision } from '@arbiter/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { decide } from '../src/handlers/decide.js';
import { ingestEvent } from '../src/handlers/ingest-event.js';
import { recordOutcome } from '../src/handlers/record-outcome.js';
import { RecentDecisions } from '../src/runtime/recent-decisions.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { JULIA, NOW } from './http-fixture.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A copy of rules/ (with models/ beside it) that a test may edit. */
async function rulesCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-runtime-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
  await cp(join(ROOT, 'models'), join(root, 'models'), { recursive: true });
  return join(root, 'rules');
}

describe('createRuntime', () => {
  it('decides on the new version after a reload, and an outcome for the old version still lands', async () => {
    const dir = await rulesCopy();
    const runtime = await createRuntime({ rulesDir: dir, population: { count: 10, seed: 1 }, clock: () => NOW });
    cleanup.push(() => runtime.close());
    const first = await decide(runtime, { subscriberId: 'SUB-90000003', channel: 'agent' });
    const before = first.body as Decision;
    expect(before.actions.length).toBeGreaterThan(0);
    const engine = runtime.engine();
    expect(runtime.engine()).toBe(engine); // built once per version

    const file = join(dir, 'actions.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(/value: (\d+)/, (_, v) => `value: ${Number(v) + 1}`),
    );
    const reloaded = await runtime.config.reload('test');
    expect(reloaded).toMatchObject({ ok: true, changed: true });
    expect(runtime.engine()).not.toBe(engine);

    const second = (await decide(runtime, { subscriberId: 'SUB-90000003', channel: 'agent' })).body as Decision;
    expect(second.configVersion).not.toBe(before.configVersion);
    const outcome = { decisionId: before.decisionId, actionId: before.actions[0]!.actionId, outcome: 'accept' };
    expect(await recordOutcome(runtime, outcome)).toEqual({ status: 202, body: { ok: true } });
    expect(runtime.audit.list().map((e) => e.action)).toContain('config.reload');
  });

  it('emits profile-changed after a new event, not after a duplicate or a refused one', async () => {
    const runtime = await createRuntime({
      rulesDir: join(ROOT, 'rules'),
      population: { count: 10, seed: 1 },
      clock: () => NOW,
    });
    cleanup.push(() => runtime.close());
    const changed: string[] = [];
    runtime.events.on('profile-changed', (id) => changed.push(id));
    const event = { id: 'e-1', type: 'usage.data', subscriberId: JULIA, time: NOW, data: { pct: 50 } };
    expect((await ingestEvent(runtime, event)).status).toBe(202);
    expect((await ingestEvent(runtime, event)).status).toBe(202);
    expect((await ingestEvent(runtime, { ...event, id: 'e-2', subscriberId: 'SUB-NOBODY' })).status).toBe(404);
    expect(changed).toEqual([JULIA]);
  });

  it('closes once, however often it is asked', async () => {
    const runtime = await createRuntime({ rulesDir: join(ROOT, 'rules') });
    expect(runtime.closing).toBe(false);
    await Promise.all([runtime.close(), runtime.close()]);
    expect(runtime.closing).toBe(true);
  });
});

describe('RecentDecisions', () => {
  const decision = (subscriberId: string, n: number) =>
    ({
      decisionId: `d-${subscriberId}-${n}`,
      subscriberId,
      channel: 'app',
      decidedAt: new Date(NOW + n).toISOString(),
      configVersion: 'v1',
      actions: [{ rank: 1, actionId: 'a', name: 'A', issue: 'Care', group: 'G', treatment: {}, terms: {} }],
    }) as unknown as Decision;

  it('keeps the last N per subscriber, newest first, compact', () => {
    const recent = new RecentDecisions({ perSubscriber: 3 });
    for (let n = 1; n <= 5; n++) recent.add(decision('s1', n));
    expect(recent.get('s1').map((d) => d.decisionId)).toEqual(['d-s1-5', 'd-s1-4', 'd-s1-3']);
    expect(recent.get('s1')[0]!.actions[0]).toEqual({ rank: 1, actionId: 'a', name: 'A', issue: 'Care', group: 'G' });
    expect(recent.get('nobody')).toEqual([]);
  });

  it('keeps names with any characters, newest first across the ring wrapping, ranks in order', () => {
    const recent = new RecentDecisions({ perSubscriber: 2 });
    const named = (n: number) =>
      ({
        ...decision('s1', n),
        actions: [
          { rank: 1, actionId: 'a"1', name: 'Pass "EU" €5\\', issue: 'Care', group: 'G\n', treatment: {}, terms: {} },
          { rank: 2, actionId: 'b', name: 'B', issue: 'Growth', group: 'H', treatment: {}, terms: {} },
        ],
      }) as unknown as Decision;
    for (let n = 1; n <= 5; n++) recent.add(named(n));
    const kept = recent.get('s1');
    expect(kept.map((d) => d.decisionId)).toEqual(['d-s1-5', 'd-s1-4']);
    expect(kept[0]).toEqual({
      decisionId: 'd-s1-5',
      channel: 'app',
      decidedAt: new Date(NOW + 5).toISOString(),
      configVersion: 'v1',
      actions: [
        { rank: 1, actionId: 'a"1', name: 'Pass "EU" €5\\', issue: 'Care', group: 'G\n' },
        { rank: 2, actionId: 'b', name: 'B', issue: 'Growth', group: 'H' },
      ],
    });
  });

  it('gives a subscriber who takes the place of a forgotten one only its own decisions', () => {
    const recent = new RecentDecisions({ maxSubscribers: 1, perSubscriber: 3 });
    for (let n = 1; n <= 3; n++) recent.add(decision('s1', n));
    recent.add(decision('s2', 9));
    expect(recent.get('s1')).toEqual([]);
    expect(recent.get('s2').map((d) => d.decisionId)).toEqual(['d-s2-9']);
  });

  it('forgets the subscriber decided for least recently when full', () => {
    const recent = new RecentDecisions({ maxSubscribers: 2 });
    recent.add(decision('s1', 1));
    recent.add(decision('s2', 1));
    recent.add(decision('s1', 2)); // s1 is now the most recent
    recent.add(decision('s3', 1));
    expect(recent.size).toBe(2);
    expect(recent.get('s2')).toEqual([]);
    expect(recent.get('s1')).toHaveLength(2);
  });
});
