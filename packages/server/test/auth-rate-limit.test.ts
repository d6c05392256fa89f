// Per-key rate limits: a token bucket per key id, 429 RATE_LIMITED with retry-after, other keys unaffected.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../src/security/api-keys.js';
import { authPlugin } from '../src/security/auth-plugin.js';
import { createRateLimiter, parseWindow } from '../src/security/rate-limiter.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('createRateLimiter', () => {
  it('allows a burst of max, then refills at max per window', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 3, timeWindow: 3000 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
    expect(limiter.take('a')).toEqual({ ok: false, limit: 3, remaining: 0, retryAfterSeconds: 1 });
    now += 1000; // one token back
    expect(limiter.take('a')).toEqual({ ok: true, limit: 3, remaining: 0 });
    expect(limiter.take('a').ok).toBe(false);
    now += 60_000; // never more than max
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('keeps a bucket per id, and forgets one on request', () => {
    const limiter = createRateLimiter({ max: 1, timeWindow: '1 minute' }, () => 0);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toMatchObject({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('b').ok).toBe(true);
    limiter.forget('a');
    expect(limiter.take('a').ok).toBe(true);
  });

  it('reads windows as ms or text, and refuses nonsense', () => {
    expect([500, '500 ms', '10 s', '10 seconds', '1 minute', '2 mins', '1 hour', '1 day'].map(parseWindow)).toEqual([
      500, 500, 10_000, 10_000, 60_000, 120_000, 3_600_000, 86_400_000,
    ]);
    for (const bad of [0, -1, Number.NaN, 'soon', '1 fortnight', ''])
      expect(() => parseWindow(bad)).toThrow(RangeError);
    expect(() => createRateLimiter({ max: 0, timeWindow: 1000 })).toThrow(RangeError);
  });
});

describe('authPlugin rate limit', () => {
  it('answers 429 RATE_LIMITED with retry-after once a key has used its rate, per key', async () => {
    let now = 0;
    const keys = new ApiKeyStore();
    const busy = keys.create('channel', 'busy');
    const quiet = keys.create('channel', 'quiet');
    const app = Fastify({ logger: false });
    apps.push(app);
    await app.register(authPlugin, { keys, rateLimit: { max: 2, timeWindow: '10 seconds' }, now: () => now });
    app.get('/v1/decide', { config: { role: 'channel' } }, async () => ({ ok: true }));
    app.get('/health', async () => ({ ok: true }));
    const call = (key: string) => app.inject({ url: '/v1/decide', headers: { 'x-api-key': key } });

    const first = await call(busy.key);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    expect((await call(busy.key)).statusCode).toBe(200);
    const limited = await call(busy.key);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('5');
    expect(limited.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: 'rate limit of 2 requests reached; retry in 5 s' },
    });
    // Another key has its own bucket; public routes are not limited.
    expect((await call(quiet.key)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/health' })).statusCode).toBe(200);

    now += 5000;
    expect((await call(busy.key)).statusCode).toBe(200);
  });

  it('counts refused calls of a valid key too, so hammering a forbidden route is limited', async () => {
    const keys = new ApiKeyStore();
    const { key } = keys.create('channel', 'web');
    const app = Fastify({ logger: false });
    apps.push(app);
    await app.register(authPlugin, { keys, rateLimit: { max: 1, timeWindow: 60_000 }, now: () => 0 });
    app.get('/admin', { config: { role: 'admin' } }, async () => ({ ok: true }));
    expect((await app.inject({ url: '/admin', headers: { 'x-api-key': key } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/admin', headers: { 'x-api-key': key } })).statusCode).toBe(429);
  });
});
