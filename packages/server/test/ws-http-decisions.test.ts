// POST /v1/decisions on the stream port (uWebSockets.js HTTP), over real loopback sockets: a decision, each auth
// denial, bad and too large bodies, the rate limit shared with the HTTP port, metrics and the masked log.
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/metrics.js';
import { ApiKeyStore } from '../src/security/api-keys.js';
import { createGate } from '../src/security/gate.js';
import { type RunningServer, startServer } from '../src/serve.js';
import { startStreamServer } from '../src/ws/stream-server.js';
import { JULIA, NOW, RULES } from './http-fixture.js';
import { fakeRuntime } from './ws-test-kit.js';

const keyOf = (server: RunningServer, role: string) => server.keys.find((k) => k.role === role)!.key;
/** The stream port's HTTP base: ws://host:port/v1/stream -> http://host:port. */
const httpBase = (server: RunningServer) => `http://${new URL(server.wsUrl!).host}`;

async function post(base: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/v1/decisions`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

const asJson = (key?: string) => ({
  'content-type': 'application/json',
  ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
});

describe('POST /v1/decisions on the stream port', () => {
  let server: RunningServer;
  let base: string;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startServer({
      rulesDir: RULES,
      port: 0,
      population: { count: 100, seed: 42 },
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
      requestLogging: false,
      watch: false,
      runtime: { clock: () => NOW },
    });
    base = httpBase(server);
  });
  afterAll(() => server.close());

  it('answers a decision as the HTTP port does', async () => {
    const request = JSON.stringify({ subscriberId: JULIA, channel: 'app' });
    const [uws, fastify] = await Promise.all([
      post(base, request, asJson(keyOf(server, 'channel'))),
      post(server.url, request, asJson(keyOf(server, 'channel'))),
    ]);
    expect(uws.status).toBe(200);
    expect(uws.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(uws.json.subscriberId).toBe(JULIA);
    const shape = (d: { actions: { actionId: string }[] }) => d.actions.map((a) => a.actionId);
    expect(shape(uws.json)).toEqual(shape(fastify.json));
    // It went through the same handler: the subscriber's 360 view shows both decisions.
    const view = await fetch(`${server.url}/v1/subscribers/${JULIA}`, { headers: asJson(keyOf(server, 'agent')) });
    const ids = ((await view.json()) as { recentDecisions: { decisionId: string }[] }).recentDecisions.map(
      (d) => d.decisionId,
    );
    expect(ids).toEqual(expect.arrayContaining([uws.json.decisionId, fastify.json.decisionId]));
  });

  it('refuses a missing, unknown or revoked key with 401 and www-authenticate', async () => {
    const request = JSON.stringify({ subscriberId: JULIA, channel: 'app' });
    const missing = await post(base, request, asJson());
    expect(missing.status).toBe(401);
    expect(missing.json.error.code).toBe('AUTH_MISSING_KEY');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="arbiter"');
    const unknown = await post(base, request, asJson('ak_0000000000000000_notakeyatallnotakeyatallnotakeyatall00'));
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe('AUTH_INVALID_KEY');

    const created = server.runtime.keys.create('channel', 'to revoke');
    expect((await post(base, request, asJson(created.key))).status).toBe(200);
    server.runtime.keys.revoke(created.id);
    const revoked = await post(base, request, { 'content-type': 'application/json', 'x-api-key': created.key });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.code).toBe('AUTH_INVALID_KEY');
  });

  it('answers bad bodies with the codes, status and field of the HTTP port, and logs them masked', async () => {
    const key = keyOf(server, 'channel');
    const cases: [string | undefined, Record<string, string>, number, string, string?][] = [
      ['{"subscriberId":', asJson(key), 400, 'BODY_INVALID_JSON'],
      ['', asJson(key), 400, 'BODY_INVALID_JSON'],
      [undefined, { authorization: `Bearer ${key}` }, 400, 'INVALID_REQUEST'],
      ['{"channel":"app","context":{"__proto__":{"admin":true}}}', asJson(key), 400, 'BODY_INVALID_JSON'],
      [`${'['.repeat(40)}${']'.repeat(40)}`, asJson(key), 400, 'BODY_TOO_DEEP'],
      ['{"channel":"app","limit":0}', asJson(key), 400, 'INVALID_LIMIT', 'limit'],
      ['{"channel":"app","+31612345678":1}', asJson(key), 400, 'INVALID_REQUEST', '+31612345678'],
      [
        '{"channel":"app"}',
        { 'content-type': 'text/plain', authorization: `Bearer ${key}` },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['{"subscriberId":"SUB-NOBODY","channel":"app"}', asJson(key), 404, 'SUBSCRIBER_NOT_FOUND', 'subscriberId'],
    ];
    for (const [body, headers, status, code, field] of cases) {
      const [uws, fastify] = [await post(base, body, headers), await post(server.url, body, headers)];
      expect(uws.status, `${body}`).toBe(status);
      expect(uws.json.error.code, `${body}`).toBe(code);
      if (field) expect(uws.json.error.field).toBe(field);
      expect({ status: uws.status, body: uws.json }).toEqual({ status: fastify.status, body: fastify.json });
    }
    const log = lines.join('');
    expect(log).toContain('"code":"INVALID_LIMIT"');
    expect(log).toContain('"port":"stream"');
    expect(log).toContain('+3161234••••');
    expect(log).not.toContain('+31612345678');
  });

  it('answers a body over the limit with 413 and keeps the connection usable', async () => {
    const key = keyOf(server, 'channel');
    const huge = JSON.stringify({ subscriberId: JULIA, channel: 'app', context: { pad: 'x'.repeat(70_000) } });
    const tooLarge = await post(base, huge, asJson(key));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.error).toEqual({ code: 'BODY_TOO_LARGE', message: 'the body is larger than 65536 bytes' });
    // A refused key with a huge body: refused without the body being kept.
    expect((await post(base, huge, asJson('nope'))).status).toBe(401);
    expect((await post(base, JSON.stringify({ subscriberId: JULIA, channel: 'app' }), asJson(key))).status).toBe(200);
  });

  it('counts its requests in the metrics under the route, as the HTTP port does', async () => {
    const metrics = await (await fetch(server.metricsUrl)).text();
    const line = metrics
      .split('\n')
      .find((l) => l.startsWith('arbiter_responses_rejected_total{endpoint="/v1/decisions",method="POST"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThan(10);
  });

  it('answers other paths with 404 ROUTE_NOT_FOUND naming what the port serves', async () => {
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asJson(keyOf(server, 'channel')),
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'Only /v1/stream and POST /v1/decisions are served here.',
    );
  });
});

describe('the stream port rate limit', () => {
  it('shares one budget per key with the HTTP port: 429 RATE_LIMITED with retry-after on either', async () => {
    const server = await startServer({
      rulesDir: RULES,
      port: 0,
      population: { count: 20, seed: 42 },
      logger: false,
      watch: false,
      auth: { rateLimit: { max: 2, timeWindow: '1 minute' } },
    });
    try {
      const request = JSON.stringify({ subscriberId: 'SUB-00000001', channel: 'app' });
      const key = keyOf(server, 'channel');
      const first = await post(httpBase(server), request, asJson(key));
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await post(server.url, request, asJson(key))).status).toBe(200);
      const limited = await post(httpBase(server), request, asJson(key));
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
      expect(limited.json.error.code).toBe('RATE_LIMITED');
      expect((await post(server.url, request, asJson(key))).status).toBe(429);
      // Another key has its own budget.
      expect((await post(httpBase(server), request, asJson(keyOf(server, 'agent')))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('JSON routes on a bare stream server', () => {
  it('refuses a key whose role is below the route with 403 AUTH_FORBIDDEN, and lets an answer in flight finish on close', async () => {
    const { runtime: streamRuntime } = fakeRuntime();
    const keys = new ApiKeyStore();
    const channel = keys.create('channel', 'web');
    const admin = keys.create('admin', 'ops');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runtime = { metrics: createMetrics({ defaultMetrics: false }), logger: { info() {}, warn() {}, error() {} } };
    const stream = await startStreamServer({
      runtime: streamRuntime,
      port: 0,
      http: {
        runtime: runtime as never,
        gate: createGate({ keys }),
        routes: [
          {
            url: '/v1/decisions',
            role: 'admin',
            body: Type.Object({ wait: Type.Boolean() }),
            handler: async (_runtime, input) => {
              if ((input as { wait: boolean }).wait) await held;
              return { status: 200, body: { ok: true } };
            },
          },
        ],
      },
    });
    const base = `http://${new URL(stream.url).host}`;
    const forbidden = await post(base, '{"wait":false}', asJson(channel.key));
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error).toEqual({
      code: 'AUTH_FORBIDDEN',
      message: 'this route needs the admin role; the key has the channel role',
    });
    expect((await post(base, '{"wait":false}', asJson(admin.key))).json).toEqual({ ok: true });

    // A request in flight when close() starts still gets its answer.
    const inFlight = post(base, '{"wait":true}', asJson(admin.key));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = stream.close();
    release();
    expect((await inFlight).json).toEqual({ ok: true });
    await closed;
  });
});
