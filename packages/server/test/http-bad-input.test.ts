// Malformed requests get a 4xx with `{ error: { code, message, field } }`, never a 5xx: wrong types, missing and
// unknown fields, broken or empty JSON, the wrong content type, huge and deeply nested bodies, unknown routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedDeeperThan } from '../src/http/json-body.js';
import { JULIA, type TestApp, testApp } from './http-fixture.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ app: { bodyLimit: 4096, maxDepth: 8 } });
});
afterAll(() => t.close());

/** A raw request with the channel key. */
function raw(url: string, payload: string | undefined, contentType?: string, method: 'POST' | 'GET' = 'POST') {
  const headers: Record<string, string> = { 'x-api-key': t.keys.channel };
  if (contentType) headers['content-type'] = contentType;
  return t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

function expectError(
  response: { statusCode: number; json(): { error: Record<string, unknown> } },
  status: number,
  code: string,
  field?: string,
) {
  expect(response.statusCode).toBe(status);
  const { error } = response.json();
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  if (field === undefined) expect(error.field).toBeUndefined();
  else expect(error.field).toBe(field);
}

describe('bodies that do not fit the schema', () => {
  it('names the field of a wrong type, a missing field and an unknown field', async () => {
    const cases = [
      [{ subscriberId: 42, channel: 'app' }, 'INVALID_REQUEST', 'subscriberId'],
      [{ subscriberId: JULIA }, 'INVALID_REQUEST', 'channel'],
      [{ subscriberId: JULIA, channel: 'app', colour: 'red' }, 'INVALID_REQUEST', 'colour'],
      [{ subscriberId: JULIA, channel: 'app', explain: 'yes' }, 'INVALID_REQUEST', 'explain'],
      [{ subscriberId: JULIA, channel: 'app', limit: '3' }, 'INVALID_LIMIT', 'limit'],
      [{ subscriberId: JULIA, channel: 'app', limit: 1.5 }, 'INVALID_LIMIT', 'limit'],
      [{ subscriberId: JULIA, channel: 'app', context: 'home' }, 'INVALID_CONTEXT', 'context'],
      [{ subscriberId: JULIA, channel: 'app', now: { at: 1 } }, 'INVALID_TIME', 'now'],
      [{ subscriberId: JULIA, channel: 'app', scope: { issues: [1] } }, 'INVALID_REQUEST', 'scope.issues[0]'],
      [{ subscriberId: JULIA, channel: 'app', scope: { offers: [] } }, 'INVALID_REQUEST', 'scope.offers'],
      [{ subscriberId: '', channel: 'app' }, 'INVALID_REQUEST', 'subscriberId'],
      [{ profile: 'me', channel: 'app' }, 'INVALID_REQUEST', 'profile'],
    ] as const;
    for (const [body, code, field] of cases) {
      expectError(await t.call('POST', '/v1/decisions', body, 'channel'), 400, code, field);
    }
    // A time of the wrong type says what a time looks like, not what the field means.
    const noTime = await t.call('POST', '/v1/decisions', { subscriberId: JULIA, channel: 'app', now: null }, 'channel');
    expect(noTime.json().error.message).toBe('now: expected epoch milliseconds or an ISO 8601 timestamp');
  });

  it('refuses a body that is not an object', async () => {
    for (const payload of ['[]', '"app"', '42', 'null', 'true']) {
      expectError(await raw('/v1/decisions', payload, 'application/json'), 400, 'INVALID_REQUEST');
    }
  });

  it('keeps free-form objects free: context, event data and inline profiles take any fields', async () => {
    const context = { page: 'home', slot: { id: 3, tags: ['a'] }, anything: null };
    expect(
      (await t.call('POST', '/v1/decisions', { subscriberId: JULIA, channel: 'app', context }, 'channel')).statusCode,
    ).toBe(200);
  });
});

describe('bodies that are not JSON objects of a sane size', () => {
  it('answers broken JSON with 400 BODY_INVALID_JSON', async () => {
    for (const payload of ['{"subscriberId":', '{subscriberId: 1}', "{'a':1}", '{"a":1}}', '\u0000']) {
      expectError(await raw('/v1/decisions', payload, 'application/json'), 400, 'BODY_INVALID_JSON');
    }
  });

  it('answers an empty JSON body with 400 BODY_INVALID_JSON, and no body at all with 400 INVALID_REQUEST', async () => {
    expectError(await raw('/v1/decisions', '', 'application/json'), 400, 'BODY_INVALID_JSON');
    expectError(await raw('/v1/decisions', undefined), 400, 'INVALID_REQUEST');
  });

  it('refuses prototype poisoning', async () => {
    const payload = '{"subscriberId":"x","channel":"app","context":{"__proto__":{"admin":true}}}';
    expectError(await raw('/v1/decisions', payload, 'application/json'), 400, 'BODY_INVALID_JSON');
  });

  it('answers another content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const body = JSON.stringify({ subscriberId: JULIA, channel: 'app' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/msgpack']) {
      expectError(await raw('/v1/decisions', body, type), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('accepts a charset on application/json', async () => {
    const body = JSON.stringify({ subscriberId: JULIA, channel: 'app' });
    expect((await raw('/v1/decisions', body, 'application/json; charset=utf-8')).statusCode).toBe(200);
  });

  it('answers a body over the limit with 413 BODY_TOO_LARGE', async () => {
    const body = JSON.stringify({ subscriberId: JULIA, channel: 'app', context: { pad: 'x'.repeat(5000) } });
    expectError(await raw('/v1/decisions', body, 'application/json'), 413, 'BODY_TOO_LARGE');
  });

  it('answers a body nested deeper than the limit with 400 BODY_TOO_DEEP, and takes one at the limit', async () => {
    const nest = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = { v: value };
      return value;
    };
    // The body itself is level 1, the context level 2: 7 more levels reach the limit of 8.
    const atLimit = JSON.stringify({ subscriberId: JULIA, channel: 'app', context: nest(7) });
    expect((await raw('/v1/decisions', atLimit, 'application/json')).statusCode).toBe(200);
    const tooDeep = JSON.stringify({ subscriberId: JULIA, channel: 'app', context: nest(8) });
    expectError(await raw('/v1/decisions', tooDeep, 'application/json'), 400, 'BODY_TOO_DEEP');
    const arrays = `{"context":${'['.repeat(50)}${']'.repeat(50)}}`;
    expectError(await raw('/v1/decisions', arrays, 'application/json'), 400, 'BODY_TOO_DEEP');
  });

  it('counts brackets inside strings as text, not nesting', () => {
    expect(nestedDeeperThan(JSON.stringify({ a: '[[[[[[[[[[{{{{{{{{' }), 2)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ a: 'quote \\" [[[[[[' }), 2)).toBe(false);
    expect(nestedDeeperThan('{"a":{"b":{}}}', 2)).toBe(true);
  });
});

describe('routes and parameters', () => {
  it('answers an unknown route or method with 404 ROUTE_NOT_FOUND', async () => {
    expectError(await raw('/v1/nothing', undefined, undefined, 'GET'), 404, 'ROUTE_NOT_FOUND');
    expectError(await raw('/v1/decisions', undefined, undefined, 'GET'), 404, 'ROUTE_NOT_FOUND');
    expectError(await raw('/', undefined, undefined, 'GET'), 404, 'ROUTE_NOT_FOUND');
  });

  it('refuses a subscriber id over the length limit and a malformed URL', async () => {
    expectError(
      await t.call('GET', `/v1/subscribers/${'x'.repeat(280)}`, undefined, 'agent'),
      400,
      'INVALID_REQUEST',
      'id',
    );
    const bad = await t.call('GET', '/v1/subscribers/%E0%A4%A', undefined, 'agent');
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.json().error.code).toEqual(expect.any(String));
  });

  it('keeps serving after all of that', async () => {
    expect((await t.call('POST', '/v1/decisions', { subscriberId: JULIA, channel: 'app' }, 'channel')).statusCode).toBe(
      200,
    );
  });
});

describe('a fault in the server', () => {
  it('is a 500 INTERNAL in the same shape, naming the request, and the server goes on', async () => {
    const f = await testApp();
    try {
      f.app.get('/boom', async () => {
        throw new TypeError('cannot read properties of undefined');
      });
      const response = await f.app.inject({ method: 'GET', url: '/boom' });
      expect(response.statusCode).toBe(500);
      expect(response.json().error.code).toBe('INTERNAL');
      expect(response.json().error.message).toContain('request');
      expect(response.json().error.message).not.toContain('cannot read'); // no internals to the caller
      expect((await f.call('GET', '/health')).statusCode).toBe(200);
    } finally {
      await f.close();
    }
  });
});
