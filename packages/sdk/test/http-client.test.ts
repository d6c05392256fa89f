import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArbiterError,
  ArbiterNetworkError,
  ArbiterTimeoutError,
  type ClientOptions,
  createClient,
  isArbiterError,
} from '../src/index.js';
import { type FakeHttp, fakeHttp } from './fake-servers.js';

const KEY = 'ak_test_secret';
const decision = {
  decisionId: 'd-1',
  subscriberId: 'SUB-00000042',
  channel: 'app',
  configVersion: 'v1',
  decidedAt: '2026-11-22T10:00:00.000Z',
  actions: [],
  degraded: [],
  counts: { actions: 76, candidates: 10, eligible: 4, allowed: 3, selected: 0 },
  timings: { profile: 0, candidates: 0, eligibility: 0, policy: 0, scoring: 0, arbitration: 0, total: 0 },
};
const event = { id: 'evt-1', type: 'care.contact', subscriberId: 'SUB-00000042', time: 1_763_800_000_000 };
const outcome = { decisionId: 'd-1', actionId: 'roaming-pass-2gb', outcome: 'impression' as const };

let server: FakeHttp;
beforeEach(async () => {
  server = await fakeHttp();
});
afterEach(() => server.close());

/** Fast retries so the tests do not wait on backoff; timeouts short where a test needs one to fire. */
const client = (options: Partial<ClientOptions> = {}) =>
  createClient({ baseUrl: server.url, apiKey: KEY, retryBaseMs: 1, retryMaxMs: 2, ...options });

describe('calls', () => {
  it('decide posts the request as JSON with the key, and returns the decision', async () => {
    server.script({ status: 200, body: decision });
    const request = { subscriberId: 'SUB-00000042', channel: 'app', explain: true };
    expect(await client().decide(request)).toEqual(decision);
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/decisions' });
    expect(seen?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen?.body ?? '')).toEqual(request);
  });

  it('each call goes to its route', async () => {
    server.script({ status: 202, body: { features: {}, triggers: [] } });
    const arbiter = client({ baseUrl: `${server.url}/` });
    await arbiter.sendEvent(event);
    server.script({ status: 202, body: { ok: true } });
    expect(await arbiter.recordOutcome(outcome)).toBeUndefined();
    server.script({ status: 200, body: { profile: { subscriberId: 'SUB 1/2' } } });
    await arbiter.getSubscriber('SUB 1/2');
    server.script({ status: 200, body: { configVersion: 'v1', actions: [] } });
    await arbiter.listActions();
    await arbiter.listActions({ channel: 'sms', group: 'Roaming passes' });
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/events',
      'POST /v1/outcomes',
      'GET /v1/subscribers/SUB%201%2F2',
      'GET /v1/actions',
      'GET /v1/actions?channel=sms&group=Roaming+passes',
    ]);
    expect(server.seen[2]?.headers['content-type']).toBeUndefined();
  });
});

describe('typed errors', () => {
  it('a 4xx error body becomes an ArbiterError with its code, status and field', async () => {
    server.script({
      status: 404,
      body: { error: { code: 'SUBSCRIBER_NOT_FOUND', message: 'no profile', field: 'subscriberId' } },
    });
    const error = await client()
      .decide({ subscriberId: 'SUB-404', channel: 'app' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArbiterError);
    expect(error).toMatchObject({ code: 'SUBSCRIBER_NOT_FOUND', status: 404, field: 'subscriberId' });
    expect(isArbiterError(error, 'SUBSCRIBER_NOT_FOUND', 'UNKNOWN_CHANNEL')).toBe(true);
    expect(isArbiterError(error, 'AUTH_FORBIDDEN')).toBe(false);
    expect(error).not.toBeInstanceOf(ArbiterNetworkError);
  });

  it('keeps the problems of a CONFIG_INVALID answer and the code of one the SDK does not know', async () => {
    server.script(
      {
        status: 422,
        body: { error: { code: 'CONFIG_INVALID', message: 'bad', problems: [{ code: 'CONFIG_SCHEMA' }] } },
      },
      { status: 418, body: { error: { code: 'SOMETHING_NEW', message: 'a newer server' } } },
    );
    await expect(client().listActions()).rejects.toMatchObject({ code: 'CONFIG_INVALID', problems: [{}] });
    await expect(client().listActions()).rejects.toMatchObject({ code: 'SOMETHING_NEW', status: 418 });
  });

  it('an answer without the error shape (a proxy page) is UNEXPECTED_RESPONSE with its status', async () => {
    server.script({ status: 502, raw: '<html>bad gateway</html>' });
    await expect(client({ retries: 0 }).listActions()).rejects.toMatchObject({
      code: 'UNEXPECTED_RESPONSE',
      status: 502,
    });
    server.script({ status: 200, raw: 'not json' });
    await expect(client().listActions()).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 200 });
  });

  it('a 5xx error body is typed too', async () => {
    server.script({ status: 500, body: { error: { code: 'INTERNAL', message: 'a bug' } } });
    await expect(client().getSubscriber('SUB-1')).rejects.toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(server.seen).toHaveLength(1); // a bug is not retried, even on a GET
  });
});

describe('timeouts', () => {
  it('a call with no answer within timeoutMs rejects with ArbiterTimeoutError', async () => {
    server.script('hang');
    const error = await client({ timeoutMs: 50 })
      .decide({ subscriberId: 'SUB-1', channel: 'app' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArbiterTimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', status: 0 });
    expect(server.seen).toHaveLength(1);
  });

  it('the per-call timeout overrides the client default', async () => {
    server.script('hang');
    await expect(client({ timeoutMs: 60_000 }).listActions({}, { timeoutMs: 30, retries: 0 })).rejects.toBeInstanceOf(
      ArbiterTimeoutError,
    );
  });

  it('a caller abort rejects with the caller reason and stops retrying', async () => {
    server.script('hang');
    const controller = new AbortController();
    const call = client({ timeoutMs: 60_000 }).listActions({}, { signal: controller.signal });
    await waitFor(() => server.seen.length === 1);
    controller.abort(new Error('user left the page'));
    await expect(call).rejects.toThrow('user left the page');
    expect(server.seen).toHaveLength(1);
  });
});

describe('retries: idempotent calls only', () => {
  it('GETs retry 503s and timeouts, then succeed', async () => {
    server.script({ status: 503, body: { error: { code: 'NOT_READY', message: 'loading' } } }, 'hang', {
      status: 200,
      body: [{ id: 'roaming-pass-2gb' }],
    });
    expect(await client({ timeoutMs: 50 }).listActions()).toEqual([{ id: 'roaming-pass-2gb' }]);
    expect(server.seen).toHaveLength(3);
  });

  it('sendEvent retries a dropped connection with the same event id (the server applies it once)', async () => {
    server.script(
      'drop',
      { status: 429, body: { error: { code: 'RATE_LIMITED', message: 'slow down' } } },
      {
        status: 202,
        body: { duplicate: true, features: {}, triggers: [] },
      },
    );
    expect(await client().sendEvent(event)).toEqual({ duplicate: true, features: {}, triggers: [] });
    expect(server.seen.map((r) => JSON.parse(r.body).id)).toEqual(['evt-1', 'evt-1', 'evt-1']);
  });

  it('gives up after `retries` extra attempts and throws the last error', async () => {
    server.script({ status: 503, body: { error: { code: 'PROFILE_STORE_UNAVAILABLE', message: 'redis down' } } });
    await expect(client({ retries: 3 }).getSubscriber('SUB-1')).rejects.toMatchObject({
      code: 'PROFILE_STORE_UNAVAILABLE',
      status: 503,
    });
    expect(server.seen).toHaveLength(4);
  });

  it('4xx answers are not retried: asking again gets the same answer', async () => {
    server.script({ status: 404, body: { error: { code: 'SUBSCRIBER_NOT_FOUND', message: 'none' } } });
    await expect(client().getSubscriber('SUB-404')).rejects.toMatchObject({ code: 'SUBSCRIBER_NOT_FOUND' });
    expect(server.seen).toHaveLength(1);
  });

  it('decide is not retried by default: each attempt would log a decision', async () => {
    server.script({ status: 503, body: { error: { code: 'NOT_READY', message: 'loading' } } });
    await expect(client().decide({ subscriberId: 'SUB-1', channel: 'app' })).rejects.toMatchObject({
      code: 'NOT_READY',
    });
    server.script('hang');
    await expect(client({ timeoutMs: 30 }).decide({ subscriberId: 'SUB-1', channel: 'app' })).rejects.toBeInstanceOf(
      ArbiterTimeoutError,
    );
    expect(server.seen).toHaveLength(2);
  });

  it('recordOutcome is not retried by default: a repeated impression would count twice against caps', async () => {
    server.script('drop');
    await expect(client().recordOutcome(outcome)).rejects.toBeInstanceOf(ArbiterNetworkError);
    expect(server.seen).toHaveLength(1);
  });

  it('a caller can opt decide into retries per call', async () => {
    server.script(
      { status: 503, body: { error: { code: 'NOT_READY', message: 'loading' } } },
      {
        status: 200,
        body: decision,
      },
    );
    expect(await client().decide({ subscriberId: 'SUB-1', channel: 'app' }, { retries: 1 })).toEqual(decision);
    expect(server.seen).toHaveLength(2);
  });
});

describe('network errors', () => {
  it('a server that is not there is an ArbiterNetworkError naming the cause', async () => {
    const url = server.url;
    await server.close();
    const error = await createClient({ baseUrl: url, apiKey: KEY, retries: 0 })
      .listActions()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArbiterNetworkError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    server = await fakeHttp(); // for afterEach
  });

  it('an injected fetch is used instead of the global one', async () => {
    const calls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response(JSON.stringify([]), { status: 200 });
    }) as typeof globalThis.fetch;
    await createClient({ baseUrl: 'http://arbiter.invalid', apiKey: KEY, fetch }).listActions();
    expect(calls).toEqual(['http://arbiter.invalid/v1/actions']);
  });
});

async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}
