// The data-plane routes through app.inject(): decisions, events, outcomes, the 360 view, the catalog, simulation,
// health and readiness; each answer as the handler gives it, and each route behind its role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../src/handlers/decide.js';
import { JULIA, NOW, type TestApp, testApp } from './http-fixture.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** A decision without what differs between two runs of the same request. */
const stable = (decision: Record<string, unknown>) => {
  const { decisionId, decidedAt, timings, ...rest } = decision;
  return rest;
};

describe('POST /v1/decisions', () => {
  it('answers 200 with the decision, every field as the engine made it (nothing dropped by the serializer)', async () => {
    for (const channel of ['app', 'agent', 'sms', 'web']) {
      const body = { subscriberId: JULIA, channel, explain: true };
      const response = await t.call('POST', '/v1/decisions', body, 'channel');
      expect(response.statusCode).toBe(200);
      const direct = await decide(t.runtime, body);
      expect(direct.status).toBe(200);
      // The handler's body as JSON: what any serializer should send.
      const expected = JSON.parse(JSON.stringify(direct.body)) as Record<string, unknown>;
      expect(stable(response.json())).toEqual(stable(expected));
      expect((expected.funnel as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('explains rule failures with their facts, and policy verdicts with their counts', async () => {
    const response = await t.call('POST', '/v1/decisions', {
      subscriberId: 'SUB-00000003',
      channel: 'app',
      explain: true,
    });
    const funnel = response.json().funnel as { reason: string; failures?: { fact: string }[] }[];
    const failed = funnel.find((f) => f.reason === 'NOT_ELIGIBLE');
    expect(failed?.failures?.[0]?.fact).toEqual(expect.any(String));
  });

  it('decides on an inline profile', async () => {
    const profile = { subscriberId: 'visitor-1', segment: 'consumer', consent: { marketing: true } };
    const response = await t.call('POST', '/v1/decisions', { profile, channel: 'web' }, 'channel');
    expect(response.statusCode).toBe(200);
    expect(response.json().subscriberId).toBe('visitor-1');
  });

  it('maps engine errors to their status: unknown subscriber 404, unknown channel 400, limit out of range 400', async () => {
    const cases = [
      [{ subscriberId: 'SUB-NOBODY', channel: 'app' }, 404, 'SUBSCRIBER_NOT_FOUND', 'subscriberId'],
      [{ subscriberId: JULIA, channel: 'fax' }, 400, 'UNKNOWN_CHANNEL', 'channel'],
      [{ subscriberId: JULIA, channel: 'app', limit: 1000 }, 400, 'INVALID_LIMIT', 'limit'],
      [{ subscriberId: JULIA, channel: 'app', now: 'yesterday' }, 400, 'INVALID_TIME', 'now'],
      [{ channel: 'app' }, 400, 'INVALID_REQUEST', 'subscriberId'],
      [{ subscriberId: JULIA, channel: 'app', scope: { issues: ['Nope'] } }, 400, 'INVALID_REQUEST', 'scope.issues'],
    ] as const;
    for (const [body, status, code, field] of cases) {
      const response = await t.call('POST', '/v1/decisions', body, 'channel');
      expect({ status: response.statusCode, ...response.json().error }).toMatchObject({ status, code, field });
    }
  });
});

describe('POST /v1/events', () => {
  it('applies the event, runs its triggers, tells subscribers, and answers 202 with features and triggers', async () => {
    const changed: string[] = [];
    t.runtime.events.on('profile-changed', (id) => changed.push(id));
    const subscriberId = 'SUB-90000004'; // heavy user: 82 % of the bundle
    const event = { id: 'evt-usage-1', type: 'usage.data', subscriberId, time: NOW, data: { pct: 91 } };
    const response = await t.call('POST', '/v1/events', event, 'channel');
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.features).toMatchObject({ dataUsedPct: 91 });
    expect(body.duplicate).toBeUndefined();
    expect(body.triggers.length).toBeGreaterThan(0);
    for (const trigger of body.triggers) expect(trigger).toMatchObject({ subscriberId, eventId: 'evt-usage-1' });
    expect(changed).toEqual([subscriberId]);

    const again = await t.call('POST', '/v1/events', event, 'channel');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ duplicate: true, triggers: [] });
    expect(changed).toEqual([subscriberId]);
  });

  it('sends what a trigger decides through the configured channel', async () => {
    const event = {
      id: 'evt-roam-1',
      type: 'network.roaming-attach',
      subscriberId: JULIA,
      time: NOW,
      data: { country: 'US', timeZone: 'America/New_York' },
    };
    const response = await t.call('POST', '/v1/events', event, 'channel');
    const sent = response.json().triggers.filter((r: { status: string }) => r.status === 'sent');
    expect(sent.length).toBeGreaterThan(0);
    expect(t.sent.some((m) => m.subscriberId === JULIA && m.triggerId === sent[0].triggerId)).toBe(true);
  });

  it('refuses late, future, malformed and unknown-subscriber events with their codes', async () => {
    const base = { id: 'evt-x', type: 'usage.data', subscriberId: JULIA, time: NOW, data: { pct: 10 } };
    const cases = [
      [{ ...base, id: 'late', time: NOW - 3 * 3_600_000 }, 400, 'EVENT_TOO_LATE', 'time'],
      [{ ...base, id: 'future', time: NOW + 3_600_000 }, 400, 'EVENT_IN_FUTURE', 'time'],
      [{ ...base, id: 'nobody', subscriberId: 'SUB-NOBODY' }, 404, 'SUBSCRIBER_NOT_FOUND', 'subscriberId'],
      [{ ...base, time: 'noon' }, 400, 'INVALID_TIME', 'time'],
      [{ ...base, time: true }, 400, 'INVALID_TIME', 'time'],
      [{ ...base, data: [1] }, 400, 'INVALID_EVENT', 'data'],
      [{ ...base, extra: 1 }, 400, 'INVALID_EVENT', 'extra'],
      [{ type: 'usage.data', subscriberId: JULIA, time: NOW }, 400, 'INVALID_EVENT', 'id'],
    ] as const;
    for (const [body, status, code, field] of cases) {
      const response = await t.call('POST', '/v1/events', body, 'channel');
      expect({ status: response.statusCode, ...response.json().error }).toMatchObject({ status, code, field });
    }
  });
});

describe('POST /v1/outcomes and GET /v1/subscribers/:id', () => {
  it('records an outcome against a decision; the 360 view shows the decision, the contact and the features', async () => {
    const subscriberId = 'SUB-90000003'; // frustrated: 5 care contacts in 90 days
    const decided = await t.call('POST', '/v1/decisions', { subscriberId, channel: 'agent' }, 'channel');
    const decision = decided.json();
    expect(decision.actions.length).toBeGreaterThan(0);
    const actionId = decision.actions[0].actionId;
    const outcome = { decisionId: decision.decisionId, actionId, outcome: 'accept' };
    const recorded = await t.call('POST', '/v1/outcomes', outcome, 'channel');
    expect(recorded.statusCode).toBe(202);
    expect(recorded.json()).toEqual({ ok: true });
    await t.call('POST', '/v1/events', { id: 'care-1', type: 'care.contact', subscriberId, time: NOW }, 'channel');

    const view = await t.call('GET', `/v1/subscribers/${subscriberId}`, undefined, 'agent');
    expect(view.statusCode).toBe(200);
    const body = view.json();
    expect(body.subscriberId).toBe(subscriberId);
    expect(body.profile).toMatchObject({ subscriberId });
    expect(body.profile._features).toBeUndefined();
    expect(Object.keys(body.features).length).toBeGreaterThan(0);
    expect(body.recentDecisions[0]).toMatchObject({ decisionId: decision.decisionId, channel: 'agent' });
    expect(body.recentDecisions[0].actions[0].actionId).toBe(actionId);
    expect(body.contactHistory[0]).toMatchObject({
      decisionId: decision.decisionId,
      actionId,
      outcome: 'accept',
      at: new Date(NOW).toISOString(),
    });
    expect(body.degraded).toEqual([]);
  });

  it('answers 404 for an unknown decision or subscriber, 409 for an action the decision did not return', async () => {
    const decided = await t.call('POST', '/v1/decisions', { subscriberId: JULIA, channel: 'app' }, 'channel');
    const { decisionId } = decided.json();
    const cases = [
      [{ decisionId: 'no-such-decision', actionId: 'x', outcome: 'click' }, 404, 'UNKNOWN_DECISION', 'decisionId'],
      [{ decisionId, actionId: 'not-offered', outcome: 'click' }, 409, 'ACTION_NOT_IN_DECISION', 'actionId'],
      [{ decisionId, actionId: 'x', outcome: 'liked' }, 400, 'INVALID_OUTCOME', 'outcome'],
      [{ decisionId, actionId: 'x', outcome: 'click', at: 'later' }, 400, 'INVALID_TIME', 'at'],
      [{ decisionId, outcome: 'click' }, 400, 'INVALID_REQUEST', 'actionId'],
    ] as const;
    for (const [body, status, code, field] of cases) {
      const response = await t.call('POST', '/v1/outcomes', body, 'channel');
      expect({ status: response.statusCode, ...response.json().error }).toMatchObject({ status, code, field });
    }
    const missing = await t.call('GET', '/v1/subscribers/SUB-NOBODY', undefined, 'agent');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'SUBSCRIBER_NOT_FOUND', field: 'id' });
  });
});

describe('GET /v1/actions', () => {
  it('lists the catalog of the running config, filtered by channel, issue or group', async () => {
    const config = t.runtime.config.current();
    const all = await t.call('GET', '/v1/actions', undefined, 'channel');
    expect(all.statusCode).toBe(200);
    expect(all.json().configVersion).toBe(config.version);
    expect(all.json().actions).toHaveLength(config.actions.length);
    const sms = (await t.call('GET', '/v1/actions?channel=sms', undefined, 'channel')).json().actions;
    expect(sms.length).toBeGreaterThan(0);
    for (const a of sms) {
      expect(a.channels).toContain('sms');
      expect(a.treatments.sms.text).toEqual(expect.any(String));
    }
    const roaming = (await t.call('GET', '/v1/actions?issue=Roaming', undefined, 'channel')).json().actions;
    expect(roaming.every((a: { issue: string }) => a.issue === 'Roaming')).toBe(true);
  });

  it('refuses an unknown channel and an unknown query parameter', async () => {
    const fax = await t.call('GET', '/v1/actions?channel=fax', undefined, 'channel');
    expect(fax.statusCode).toBe(400);
    expect(fax.json().error).toMatchObject({ code: 'UNKNOWN_CHANNEL', field: 'channel' });
    const odd = await t.call('GET', '/v1/actions?colour=red', undefined, 'channel');
    expect(odd.statusCode).toBe(400);
    expect(odd.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'colour' });
  });
});

describe('POST /v1/simulate', () => {
  it('answers an explained decision on an inline profile and records nothing', async () => {
    const profile = { subscriberId: 'what-if-1', segment: 'consumer', planType: 'prepaid' };
    const response = await t.call('POST', '/v1/simulate', { profile, channel: 'app' }, 'analyst');
    expect(response.statusCode).toBe(200);
    const decision = response.json();
    expect(decision.funnel.length).toBeGreaterThan(0);
    expect(t.runtime.recent.get('what-if-1')).toEqual([]);
    const outcome = { decisionId: decision.decisionId, actionId: 'x', outcome: 'accept' };
    const recorded = await t.call('POST', '/v1/outcomes', outcome, 'channel');
    expect(recorded.json().error.code).toBe('UNKNOWN_DECISION');
  });

  it('reads a stored subscriber and its contact history, and writes neither', async () => {
    const before = await t.runtime.history.load(JULIA);
    const response = await t.call('POST', '/v1/simulate', { subscriberId: JULIA, channel: 'sms' }, 'analyst');
    expect(response.statusCode).toBe(200);
    expect(response.json().subscriberId).toBe(JULIA);
    expect(await t.runtime.history.load(JULIA)).toEqual(before);
  });

  it('refuses explain (always on) and the engine errors', async () => {
    const explain = await t.call(
      'POST',
      '/v1/simulate',
      { subscriberId: JULIA, channel: 'app', explain: true },
      'analyst',
    );
    expect(explain.statusCode).toBe(400);
    expect(explain.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'explain' });
    const nobody = await t.call('POST', '/v1/simulate', { subscriberId: 'SUB-NOBODY', channel: 'app' }, 'analyst');
    expect(nobody.statusCode).toBe(404);
  });
});

describe('roles', () => {
  it('each data route needs its role: no key 401, a weaker role 403, its role or above passes', async () => {
    const routes = [
      ['POST', '/v1/decisions', { subscriberId: JULIA, channel: 'app' }, 'channel', null],
      ['GET', '/v1/actions', undefined, 'channel', null],
      ['GET', `/v1/subscribers/${JULIA}`, undefined, 'agent', 'channel'],
      ['POST', '/v1/simulate', { subscriberId: JULIA, channel: 'app' }, 'analyst', 'agent'],
    ] as const;
    for (const [method, url, body, role, weaker] of routes) {
      const anonymous = await t.call(method, url, body, null);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('AUTH_MISSING_KEY');
      if (weaker) {
        const refused = await t.call(method, url, body, weaker);
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error.code).toBe('AUTH_FORBIDDEN');
      }
      expect((await t.call(method, url, body, role)).statusCode).toBe(200);
      expect((await t.call(method, url, body, 'admin')).statusCode).toBe(200);
    }
  });

  it('health, readiness, metrics and docs need no key', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/docs/json']) {
      expect((await t.call('GET', url, undefined, null)).statusCode).toBe(200);
    }
  });
});

describe('GET /health and GET /ready', () => {
  it('is live and ready on a loaded config with answering stores', async () => {
    expect((await t.call('GET', '/health')).json()).toEqual({ status: 'ok' });
    expect((await t.call('GET', '/ready')).json()).toEqual({
      ready: true,
      configVersion: t.runtime.config.current().version,
    });
  });

  it('is not ready when a store does not answer, nor once the runtime is closing', async () => {
    const broken = await testApp({
      runtime: { history: { load: () => Promise.reject(new Error('connection refused')), record: () => {} } },
    });
    const response = await broken.call('GET', '/ready');
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'NOT_READY' });
    expect(response.json().error.message).toContain('contact history: connection refused');
    await broken.runtime.close();
    const closing = await broken.call('GET', '/ready');
    expect(closing.json().error.message).toContain('shutting down');
    await broken.app.close();
  });
});

describe('CORS', () => {
  it('answers preflights and requests from the configured origins only', async () => {
    const c = await testApp({ app: { cors: { origins: ['https://care.example'] } } });
    try {
      const preflight = (origin: string) =>
        c.app.inject({
          method: 'OPTIONS',
          url: '/v1/decisions',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key' },
        });
      const allowed = await preflight('https://care.example');
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://care.example');
      expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      const decided = await c.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: { origin: 'https://care.example', 'x-api-key': c.keys.channel },
        payload: { subscriberId: JULIA, channel: 'app' },
      });
      expect(decided.headers['access-control-allow-origin']).toBe('https://care.example');
    } finally {
      await c.close();
    }
  });

  it('sends no CORS headers unless configured', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://care.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
