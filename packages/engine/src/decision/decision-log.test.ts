// The decision log: the in-memory default, and a pluggable (remote, slow or failing) log behind createEngine.
import { describe, expect, it, vi } from 'vitest';
import { InMemoryContactHistory } from '../policy/index.js';
import { InMemoryProfileStore } from '../profiles/profile-store.js';
import { type DecisionLog, InMemoryDecisionLog, type LoggedDecision } from './decision-log.js';
import { createEngine, type EngineOptions } from './engine.js';
import { buildTestConfig, heavyUser, NOON } from './test-config.js';

const logged = (subscriberId: string): LoggedDecision => ({
  subscriberId,
  channel: 'web',
  at: NOON,
  actions: new Map([['topup-5gb', { issue: 'Growth', group: 'Top-ups', mandatory: false }]]),
});

async function engineWith(options: Partial<EngineOptions>) {
  let n = 0;
  return createEngine({
    config: await buildTestConfig(),
    profiles: new InMemoryProfileStore([heavyUser]),
    clock: () => NOON,
    newDecisionId: () => `d-${++n}`,
    ...options,
  });
}

async function decideWeb(engine: Awaited<ReturnType<typeof engineWith>>) {
  const result = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', limit: 1 });
  if (!result.ok) throw new Error(result.error.message);
  return result.decision;
}

describe('InMemoryDecisionLog', () => {
  it('forgets the oldest decision when full, and says what it keeps', () => {
    const log = new InMemoryDecisionLog(2);
    log.remember('a', logged('S1'));
    log.remember('b', logged('S2'));
    log.remember('c', logged('S3'));
    expect([log.get('a'), log.get('b')?.subscriberId, log.get('c')?.subscriberId]).toEqual([undefined, 'S2', 'S3']);
    expect(log.size).toBe(2);
    expect(log.retention).toBe('the last 2 decisions');
  });

  it('keeps the last N over many rounds, and a decision remembered again keeps its place and its count', () => {
    const log = new InMemoryDecisionLog(3);
    for (let i = 0; i < 1_000; i++) log.remember(`d${i}`, logged(`S${i}`));
    expect(log.size).toBe(3);
    expect(['d996', 'd997', 'd998', 'd999'].map((id) => log.get(id)?.subscriberId)).toEqual([
      undefined,
      'S997',
      'S998',
      'S999',
    ]);
    log.remember('d998', logged('again'));
    log.remember('d1000', logged('S1000'));
    expect([log.get('d997'), log.get('d998')?.subscriberId, log.get('d1000')?.subscriberId]).toEqual([
      undefined,
      'again',
      'S1000',
    ]);
    expect(log.size).toBe(3);
  });

  it('gives back what it was given: every action, its issue, group and mandatory flag, any characters', () => {
    const log = new InMemoryDecisionLog(4);
    const decision: LoggedDecision = {
      subscriberId: 'SUB-"quoted"\\',
      channel: 'agent',
      at: 1_795_000_000_123.5,
      actions: new Map([
        ['roam-pass-eu', { issue: 'Growth', group: 'Roaming "EU"', mandatory: false }],
        ['bill-shock-notice', { issue: 'Care / Santé €', group: 'Notices\n', mandatory: true }],
      ]),
    };
    log.remember('d1', decision);
    log.remember('d2', { ...decision, actions: new Map() });
    expect(log.get('d1')).toEqual(decision);
    expect([...log.get('d1')!.actions.keys()]).toEqual(['roam-pass-eu', 'bill-shock-notice']);
    expect(log.get('d2')).toEqual({ ...decision, actions: new Map() });
    // A copy each time: a caller changing what it got does not change the log.
    (log.get('d1')!.actions as Map<string, unknown>).clear();
    expect(log.get('d1')!.actions.size).toBe(2);
  });

  it('keeps a decision that does not fit its record on the heap: long or non-Latin-1 ids, many actions', () => {
    const log = new InMemoryDecisionLog(3);
    const many = new Map(
      Array.from({ length: 40 }, (_, i) => [
        `action-${i}`,
        { issue: `issue-${i % 3}`, group: 'g', mandatory: i % 2 === 0 },
      ]),
    );
    const cases: [string, LoggedDecision][] = [
      ['d'.repeat(300), logged('S-long-id')],
      ['d-Ω-1', { ...logged('SUB-Ω'), at: 1 }],
      ['d-many', { ...logged('S-many'), actions: many }],
    ];
    for (const [id, decision] of cases) log.remember(id, decision);
    for (const [id, decision] of cases) expect(log.get(id)).toEqual(decision);
    // Spilled records leave like the others when the log is full.
    log.remember('d-next', logged('S-next'));
    expect(log.get('d'.repeat(300))).toBeUndefined();
    expect(log.get('d-many')?.actions.size).toBe(40);
    expect(log.size).toBe(3);
  });

  it('answers as a plain Map with oldest-first eviction would, over 50,000 random remembers and gets', () => {
    // A small pool of ids, so ids come back (remembered again: they keep their place) and probe runs collide.
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    for (const capacity of [1, 5, 64]) {
      const log = new InMemoryDecisionLog(capacity);
      const reference = new Map<string, LoggedDecision>();
      const order: string[] = [];
      const pool = Array.from({ length: capacity * 3 }, (_, i) =>
        i % 11 === 0 ? `ü-${i}-${'x'.repeat(i % 300)}` : `d-${i}`,
      );
      for (let step = 0; step < 50_000 / 3; step++) {
        const id = pool[Math.floor(random() * pool.length)]!;
        if (random() < 0.6) {
          const decision = { ...logged(`S${step}`), at: step };
          if (!reference.has(id)) {
            if (order.length === capacity) reference.delete(order.shift()!);
            order.push(id);
          }
          reference.set(id, decision);
          log.remember(id, decision);
        } else {
          expect(log.get(id)).toEqual(reference.get(id));
        }
      }
      expect(log.size).toBe(reference.size);
      for (const id of pool) expect(log.get(id)).toEqual(reference.get(id));
    }
  });

  it('is the engine default: an unknown decision id gets UNKNOWN_DECISION naming what the log keeps', async () => {
    const engine = await engineWith({ decisionLogSize: 10 });
    expect(await engine.recordOutcome({ decisionId: 'nope', actionId: 'topup-5gb', outcome: 'click' })).toEqual({
      ok: false,
      error: {
        code: 'UNKNOWN_DECISION',
        field: 'decisionId',
        message: 'no decision "nope" in the decision log: unknown, or no longer kept (it keeps the last 10 decisions)',
      },
    });
  });
});

describe('createEngine({ decisionLog })', () => {
  it('ties outcomes to decisions through an asynchronous log', async () => {
    const inner = new InMemoryDecisionLog();
    const decisionLog: DecisionLog = {
      remember: async (id, d) => inner.remember(id, d),
      get: async (id) => inner.get(id),
      retention: 'decisions for 7d',
    };
    const history = new InMemoryContactHistory();
    const engine = await engineWith({ decisionLog, history });
    const decision = await decideWeb(engine);
    const actionId = decision.actions[0]!.actionId;
    expect(await engine.recordOutcome({ decisionId: decision.decisionId, actionId, outcome: 'impression' })).toEqual({
      ok: true,
    });
    expect(history.load('SUB-T1')).toMatchObject([{ decisionId: 'd-1', actionId, outcome: 'impression' }]);
    expect(await engine.recordOutcome({ decisionId: 'gone', actionId, outcome: 'click' })).toMatchObject({
      error: { code: 'UNKNOWN_DECISION', message: expect.stringContaining('(it keeps decisions for 7d)') },
    });
  });

  it('does not wait for a slow remember', async () => {
    const decisionLog: DecisionLog = { remember: () => new Promise<void>(() => {}), get: () => undefined };
    const engine = await engineWith({ decisionLog });
    expect((await decideWeb(engine)).actions).toHaveLength(1);
  });

  it('reports a failed remember to onDecisionLogError and still decides', async () => {
    const onDecisionLogError = vi.fn();
    const decisionLog: DecisionLog = {
      remember: () => Promise.reject(new Error('connection refused')),
      get: () => undefined,
    };
    const engine = await engineWith({ decisionLog, onDecisionLogError });
    await decideWeb(engine);
    const throwing = await engineWith({
      decisionLog: {
        remember: () => {
          throw new Error('full');
        },
        get: () => undefined,
      },
      onDecisionLogError,
    });
    await decideWeb(throwing);
    await vi.waitFor(() => expect(onDecisionLogError).toHaveBeenCalledTimes(2));
    expect(onDecisionLogError.mock.calls.map(([e]) => (e as Error).message).sort()).toEqual([
      'connection refused',
      'full',
    ]);
  });

  it('a log that cannot answer gives CONTACT_HISTORY_UNAVAILABLE (report again), never UNKNOWN_DECISION', async () => {
    const decisionLog: DecisionLog = { remember: () => {}, get: () => Promise.reject(new Error('timeout')) };
    const engine = await engineWith({ decisionLog });
    const decision = await decideWeb(engine);
    expect(
      await engine.recordOutcome({ decisionId: decision.decisionId, actionId: 'x', outcome: 'click' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONTACT_HISTORY_UNAVAILABLE', message: expect.stringContaining('report it again: timeout') },
    });
  });
});
