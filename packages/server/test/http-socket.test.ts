// The server on real loopback sockets: the app listening on a free port, startServer with its URLs and keys, a
// graceful shutdown that lets an in-flight request finish, and a Redis-backed server whose outcomes land in Redis.
import {
  generatePopulation,
  InMemoryProfileStore,
  type Profile,
  type ProfileStore,
  storyProfiles,
} from '@arbiter/engine';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import { type RunningServer, startServer } from '../src/serve.js';
import { JULIA, RULES, testApp } from './http-fixture.js';

const json = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
const keyOf = (server: RunningServer, role: string) => server.keys.find((k) => k.role === role)!.key;
const body = async (response: Response): Promise<any> => response.json();

describe('the app on a loopback socket', () => {
  it('answers decisions, events and errors over HTTP', async () => {
    const t = await testApp();
    afterAll(() => t.close());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const decided = await fetch(`${base}/v1/decisions`, {
      method: 'POST',
      headers: json(t.keys.channel),
      body: JSON.stringify({ subscriberId: JULIA, channel: 'app' }),
    });
    expect(decided.status).toBe(200);
    expect(decided.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await body(decided)).subscriberId).toBe(JULIA);

    const broken = await fetch(`${base}/v1/decisions`, {
      method: 'POST',
      headers: json(t.keys.channel),
      body: '{"a":',
    });
    expect(broken.status).toBe(400);
    expect((await body(broken)).error.code).toBe('BODY_INVALID_JSON');

    const huge = await fetch(`${base}/v1/decisions`, {
      method: 'POST',
      headers: json(t.keys.channel),
      body: JSON.stringify({ subscriberId: JULIA, channel: 'app', context: { pad: 'x'.repeat(70_000) } }),
    });
    expect(huge.status).toBe(413);
    expect((await body(huge)).error.code).toBe('BODY_TOO_LARGE');

    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
  });
});

describe('startServer', () => {
  it('listens, prints its URLs, makes the demo keys, and serves the API, docs, metrics and stream', async () => {
    const server = await startServer({
      rulesDir: RULES,
      port: 0,
      population: { count: 100, seed: 42 },
      logger: false,
      watch: false,
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.docsUrl).toBe(`${server.url}/docs`);
      expect(server.metricsUrl).toBe(`${server.url}/metrics`);
      expect(server.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/stream$/);
      expect(server.keys.map((k) => k.role).sort()).toEqual(['admin', 'agent', 'analyst', 'channel']);

      const decided = await fetch(`${server.url}/v1/decisions`, {
        method: 'POST',
        headers: json(keyOf(server, 'channel')),
        body: JSON.stringify({ subscriberId: 'SUB-00000001', channel: 'web' }),
      });
      expect(decided.status).toBe(200);
      const view = await fetch(`${server.url}/v1/subscribers/${JULIA}`, { headers: json(keyOf(server, 'agent')) });
      expect(view.status).toBe(200);
      expect((await fetch(`${server.docsUrl}/json`)).status).toBe(200);
      const metrics = await (await fetch(server.metricsUrl)).text();
      expect(metrics).toContain('arbiter_requests_total');
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('shuts down gracefully: a request in flight when close() starts still gets its answer', async () => {
    let enter!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((resolve) => {
      enter = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: Profile = { ...storyProfiles().julia, subscriberId: 'SUB-SLOW' };
    const store = new InMemoryProfileStore([...generatePopulation({ count: 10, seed: 1 }), slow]);
    // The profile read of SUB-SLOW waits for the test: the decision is in flight as long as the test wants.
    const profiles: ProfileStore = {
      get: async (id) => {
        if (id === 'SUB-SLOW') {
          enter();
          await gate;
        }
        return store.get(id);
      },
      put: (p) => store.put(p),
    };
    const server = await startServer({
      rulesDir: RULES,
      port: 0,
      wsPort: false,
      logger: false,
      watch: false,
      runtime: { profiles },
    });
    const inFlight = fetch(`${server.url}/v1/decisions`, {
      method: 'POST',
      headers: json(keyOf(server, 'channel')),
      body: JSON.stringify({ subscriberId: 'SUB-SLOW', channel: 'app' }),
    });
    await entered;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    // Turns of the event loop, not time: close() cannot finish while the request is held.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    expect(server.runtime.closing).toBe(false); // HTTP drains first; the stores close last
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await body(response)).subscriberId).toBe('SUB-SLOW');
    await closing;
    expect(server.runtime.closing).toBe(true);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('on Redis: profiles, outcomes and decisions go to Redis, and are there after close', async () => {
    const url = inject('redisUrl');
    const prefix = `test:http-serve:${Math.random().toString(36).slice(2)}:`;
    const server = await startServer({
      rulesDir: RULES,
      port: 0,
      wsPort: false,
      redis: url,
      logger: false,
      watch: false,
      runtime: { redisPrefix: prefix },
    });
    expect(server.keys.map((k) => k.role)).toEqual(['admin']); // bootstrap only
    const admin = keyOf(server, 'admin');
    await server.runtime.profiles.put(storyProfiles().frustrated);
    const subscriberId = storyProfiles().frustrated.subscriberId;
    const decided = await fetch(`${server.url}/v1/decisions`, {
      method: 'POST',
      headers: json(admin),
      body: JSON.stringify({ subscriberId, channel: 'agent' }),
    });
    const decision = await body(decided);
    expect(decision.actions.length).toBeGreaterThan(0);
    const recorded = await fetch(`${server.url}/v1/outcomes`, {
      method: 'POST',
      headers: json(admin),
      body: JSON.stringify({
        decisionId: decision.decisionId,
        actionId: decision.actions[0].actionId,
        outcome: 'accept',
      }),
    });
    expect(recorded.status).toBe(202);
    await server.close();

    const redis = new Redis(url);
    try {
      const history = new RedisContactHistory({ redis, horizonMs: 90 * 86_400_000, keyPrefix: prefix });
      const records = await history.load(subscriberId);
      expect(records.map((r) => r.outcome)).toContain('accept');
      history.close();
    } finally {
      redis.disconnect();
    }
  });
});
