// A fault (a bug) answers 500 INTERNAL and is logged at error level with its code and message; other answers are not.
import { InMemoryProfileStore, type Profile } from '@arbiter/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logFault } from '../src/handlers/handler-result.js';
import { type TestApp, testApp } from './http-fixture.js';

describe('logFault', () => {
  it('reports a 500 with its code and message, and nothing else', () => {
    const logged: [object, string | undefined][] = [];
    const log = { error: (object: object, message?: string) => logged.push([object, message]) };
    logFault(log, { status: 500, body: { error: { code: 'INTERNAL', message: 'a bug' } } }, { route: '/x' });
    for (const status of [200, 400, 404, 503])
      logFault(log, { status, body: { error: { code: 'C', message: 'm' } } }, {});
    expect(logged).toEqual([[{ route: '/x', code: 'INTERNAL', detail: 'a bug' }, 'request failed']]);
  });
});

describe('a decision that faults, over HTTP', () => {
  let t: TestApp;
  const lines: string[] = [];
  // A profile whose attribute throws when read stands in for a bug anywhere on the decision path.
  const broken = { subscriberId: 'SUB-BROKEN' } as Profile;
  Object.defineProperty(broken, 'planType', {
    enumerable: true,
    get: () => {
      throw new Error('a bug reading planType');
    },
  });
  beforeAll(async () => {
    t = await testApp({
      app: { logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } },
      runtime: { profiles: new InMemoryProfileStore([broken]) },
    });
  });
  afterAll(() => t.close());

  it('answers 500 INTERNAL, logs it at error level under the route, and goes on serving', async () => {
    const answer = await t.call('POST', '/v1/decisions', { subscriberId: 'SUB-BROKEN', channel: 'app' }, 'channel');
    expect(answer.statusCode).toBe(500);
    expect(answer.json().error.code).toBe('INTERNAL');
    const faults = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request failed');
    expect(faults).toEqual([
      expect.objectContaining({
        level: 50,
        route: '/v1/decisions',
        code: 'INTERNAL',
        detail: expect.stringContaining('a bug reading planType'),
      }),
    ]);
    const unknown = await t.call('POST', '/v1/decisions', { subscriberId: 'SUB-NOBODY', channel: 'app' }, 'channel');
    expect(unknown.statusCode).toBe(404);
    expect(lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request failed')).toHaveLength(1);
  });
});
